import { resolve } from 'node:path';
import { addressVariable, readCatalog, tlsEnv, UNLIMITED_RATES } from '@iot-mesh/local-stack';
import { REPO_ROOT } from './repo-paths.js';

/** The services in start order (callees first), from services/catalog.json. */
export const SERVICE_NAMES: readonly string[] = readCatalog(resolve(REPO_ROOT, 'services/catalog.json')).map(
  (service) => service.name,
);
export type ServiceName = string;

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
  return {
    ...peers,
    ...tlsEnv(name, settings.certDir),
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
