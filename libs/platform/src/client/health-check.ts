import {
  credentials as grpcCredentials,
  makeClientConstructor,
  status,
  type ServiceError,
} from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { channelCredentials, type TlsSettings } from '../grpc/tls-settings.js';

export type HealthState = 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN' | 'UNKNOWN' | 'UNREACHABLE';

const HealthClient = makeClientConstructor(healthService, 'Health');

/**
 * One grpc.health.v1 Check, as Kubernetes' gRPC probe does it. Never throws: a server that cannot
 * be reached (or answers NOT_FOUND for the service) is reported as such.
 */
export function checkHealth(
  address: string,
  tls: TlsSettings = { mode: 'plaintext' },
  service = '',
  deadlineMs = 1_000,
): Promise<HealthState> {
  const credentials = tls.mode === 'plaintext' ? grpcCredentials.createInsecure() : channelCredentials(tls);
  const client = new HealthClient(address, credentials) as unknown as {
    check(
      request: { service: string },
      options: { deadline: number },
      callback: (error: ServiceError | null, response?: { status: HealthState }) => void,
    ): void;
    close(): void;
  };
  return new Promise((resolve) => {
    client.check({ service }, { deadline: Date.now() + deadlineMs }, (error, response) => {
      client.close();
      if (error) resolve(error.code === status.NOT_FOUND ? 'SERVICE_UNKNOWN' : 'UNREACHABLE');
      else resolve(response?.status ?? 'UNKNOWN');
    });
  });
}
