import {
  credentials as grpcCredentials,
  makeClientConstructor,
  status,
  type ChannelOptions,
  type ServiceError,
} from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { channelCredentials, type TlsSettings } from '../grpc/tls-settings.js';

export type HealthState = 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN' | 'UNKNOWN' | 'UNREACHABLE';

const HealthClientConstructor = makeClientConstructor(healthService, 'Health');

/** A health check's answer, and why the server could not be asked when it could not. */
export interface HealthProbe {
  state: HealthState;
  /** The call's status when it failed: "14 UNAVAILABLE: No connection established. Last error: ...". */
  error?: string;
}

/**
 * One grpc.health.v1 Check, as Kubernetes' gRPC probe does it. Never throws: a server that cannot
 * be reached (or answers NOT_FOUND for the service) is reported as such.
 */
export async function checkHealth(
  address: string,
  tls: TlsSettings = { mode: 'plaintext' },
  service = '',
  deadlineMs = 1_000,
): Promise<HealthState> {
  return (await probeHealth(address, tls, service, deadlineMs)).state;
}

/** checkHealth with the reason a server was UNREACHABLE (a refused connection, a TLS handshake that failed). */
export async function probeHealth(
  address: string,
  tls: TlsSettings = { mode: 'plaintext' },
  service = '',
  deadlineMs = 1_000,
): Promise<HealthProbe> {
  const client = healthClient(address, tls);
  try {
    return await client.check(service, deadlineMs);
  } finally {
    client.close();
  }
}

/** A grpc.health.v1 client on one channel, for a caller that checks the same server again and again. */
export interface HealthClient {
  /** One Check; never throws, as checkHealth. */
  check(service: string, deadlineMs: number): Promise<HealthProbe>;
  close(): void;
}

interface GeneratedHealthClient {
  check(
    request: { service: string },
    options: { deadline: number },
    callback: (error: ServiceError | null, response?: { status: HealthState }) => void,
  ): void;
  close(): void;
}

export function healthClient(
  address: string,
  tls: TlsSettings = { mode: 'plaintext' },
  channelOptions: ChannelOptions = {},
): HealthClient {
  const credentials = tls.mode === 'plaintext' ? grpcCredentials.createInsecure() : channelCredentials(tls);
  const client = new HealthClientConstructor(
    address,
    credentials,
    channelOptions,
  ) as unknown as GeneratedHealthClient;
  return {
    check: (service, deadlineMs) =>
      new Promise((resolve) => {
        client.check({ service }, { deadline: Date.now() + deadlineMs }, (error, response) => {
          if (!error) resolve({ state: response?.status ?? 'UNKNOWN' });
          else if (error.code === status.NOT_FOUND) resolve({ state: 'SERVICE_UNKNOWN' });
          // grpc-js ends a failed connection's message with an empty "Resolution note: " for a plain address.
          else resolve({ state: 'UNREACHABLE', error: error.message.replace(/\. Resolution note: $/, '') });
        });
      }),
    close: () => client.close(),
  };
}
