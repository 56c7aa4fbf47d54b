import { readFileSync } from 'node:fs';
import { ChannelCredentials, ServerCredentials } from '@grpc/grpc-js';

/**
 * How a service speaks gRPC outside the mesh. Inside the mesh it is 'plaintext' and the Envoy
 * sidecar does mTLS. 'mtls' uses one certificate as server and client identity.
 */
export interface TlsSettings {
  mode: 'plaintext' | 'tls' | 'mtls';
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

const read = (path: string | undefined): Buffer | null => (path ? readFileSync(path) : null);

function requireFile(settings: TlsSettings, key: 'caFile' | 'certFile' | 'keyFile'): Buffer {
  const path = settings[key];
  if (!path) throw new Error(`TLS mode '${settings.mode}' needs ${key}`);
  return readFileSync(path);
}

/** Server side: in 'mtls' mode a client must present a certificate signed by the CA. */
export function serverCredentials(settings: TlsSettings): ServerCredentials {
  if (settings.mode === 'plaintext') return ServerCredentials.createInsecure();
  const keyCertPair = {
    private_key: requireFile(settings, 'keyFile'),
    cert_chain: requireFile(settings, 'certFile'),
  };
  const requireClientCert = settings.mode === 'mtls';
  const ca = requireClientCert ? requireFile(settings, 'caFile') : read(settings.caFile);
  return ServerCredentials.createSsl(ca, [keyCertPair], requireClientCert);
}

/** Client side: trusts the CA (or the system roots) and in 'mtls' mode presents its certificate. */
export function channelCredentials(settings: TlsSettings): ChannelCredentials {
  if (settings.mode === 'plaintext') return ChannelCredentials.createInsecure();
  if (settings.mode === 'tls') return ChannelCredentials.createSsl(read(settings.caFile));
  return ChannelCredentials.createSsl(
    requireFile(settings, 'caFile'),
    requireFile(settings, 'keyFile'),
    requireFile(settings, 'certFile'),
  );
}
