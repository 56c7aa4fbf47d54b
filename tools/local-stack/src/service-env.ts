import { resolve } from 'node:path';
import type { TlsSettings } from '@iot-mesh/platform';
import { addressVariable, type CatalogService } from './catalog.js';
import type { StackOptions } from './stack-options.js';

/** Environment of one service in the local stack: loopback ports, the addresses of the peers it calls, storage and TLS. */
export function serviceEnv(
  service: CatalogService,
  catalog: readonly CatalogService[],
  options: StackOptions,
  tls: TlsSettings & { certDir?: string },
  host: string,
): NodeJS.ProcessEnv {
  const peers = Object.fromEntries(
    catalog
      .filter((peer) => peer.name in service.calls)
      .map((peer) => [addressVariable(peer.name), `${host}:${peer.grpcPort}`]),
  );
  return {
    ...process.env,
    ...peers,
    ...tlsEnv(service.name, tls.mode === 'mtls' ? tls.certDir : undefined),
    SERVICE_NAME: service.name,
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: String(service.grpcPort),
    ADMIN_HOST: '127.0.0.1',
    ADMIN_PORT: String(service.adminPort),
    ...(service.httpPort
      ? { HTTP_HOST: '127.0.0.1', HTTP_PORT: String(service.httpPort), OPERATOR_TOKEN: options.operatorToken }
      : {}),
    LOG_LEVEL: options.logLevel,
    STORAGE: options.storage,
    DATA_DIR: resolve(options.dataDir),
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...(options.redisUrl && service.httpPort ? { REDIS_URL: options.redisUrl } : {}),
  };
}

/** TLS settings of one service: mTLS with the certificates gen-certs.sh wrote to `certDir`, else plaintext. */
export function tlsEnv(serviceName: string, certDir: string | undefined): Record<string, string> {
  if (!certDir) return { TLS_MODE: 'plaintext' };
  return {
    TLS_MODE: 'mtls',
    TLS_CA_FILE: resolve(certDir, 'ca.crt'),
    TLS_CERT_FILE: resolve(certDir, `${serviceName}.crt`),
    TLS_KEY_FILE: resolve(certDir, `${serviceName}.key`),
  };
}
