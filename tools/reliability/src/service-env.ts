import { resolve } from 'node:path';

/** The services in the order they depend on each other (callees first), as in services/catalog.json. */
export const SERVICE_NAMES = [
  'notification',
  'device-registry',
  'alert-manager',
  'data-processor',
  'sensor-ingestion',
  'edge-gateway',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** DEVICE_REGISTRY_ADDRESS for device-registry: how a service learns where a peer is. */
export const addressVariable = (name: ServiceName): string =>
  `${name.toUpperCase().replace(/-/g, '_')}_ADDRESS`;

/** Lifts the gateway's rate limits: these runs measure the pipeline, not the limiter. */
export const UNLIMITED_RATES: Record<string, string> = {
  RATE_LIMIT_DEVICE_PER_SECOND: '1000000',
  RATE_LIMIT_DEVICE_BURST: '1000000',
  RATE_LIMIT_IP_PER_SECOND: '1000000',
  RATE_LIMIT_IP_BURST: '1000000',
};

export interface EnvSettings {
  dataDir: string;
  operatorToken: string;
  /** Where each peer is reached (the proxies' addresses). */
  peers: Record<ServiceName, string>;
  /** mTLS certificates from setup-scripts/gen-certs.sh; plaintext without. */
  certDir?: string;
  extra: Record<string, string>;
}

/** One service's environment: info logs (so the suite can read them), embedded SQLite, peers, TLS. */
export function serviceEnv(name: ServiceName, settings: EnvSettings): Record<string, string> {
  const peers = Object.fromEntries(
    SERVICE_NAMES.map((peer) => [addressVariable(peer), settings.peers[peer]]),
  );
  const tls: Record<string, string> = settings.certDir
    ? {
        TLS_MODE: 'mtls',
        TLS_CA_FILE: resolve(settings.certDir, 'ca.crt'),
        TLS_CERT_FILE: resolve(settings.certDir, `${name}.crt`),
        TLS_KEY_FILE: resolve(settings.certDir, `${name}.key`),
      }
    : { TLS_MODE: 'plaintext' };
  return {
    ...peers,
    ...tls,
    SERVICE_NAME: name,
    LOG_LEVEL: 'info',
    STORAGE: 'sqlite',
    DATA_DIR: settings.dataDir,
    // Cheap key hashing keeps device registration quick; the cost is not what these tests are about.
    API_KEY_SCRYPT_COST: '1024',
    ...(name === 'edge-gateway'
      ? { HTTP_HOST: '127.0.0.1', OPERATOR_TOKEN: settings.operatorToken, ...UNLIMITED_RATES }
      : {}),
    ...settings.extra,
  };
}
