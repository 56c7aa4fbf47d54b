import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import {
  DeadlineExceededError,
  decodeStatusDetails,
  toGrpcError,
  UnavailableError,
} from '@iot-mesh/platform';
import { authenticationFailed, fromDownstream } from './downstream-error.js';

const serviceError = (code: status, details: string): ServiceError =>
  Object.assign(new Error(`${code} ${details}`), { code, details, metadata: new Metadata() });

describe('fromDownstream', () => {
  it('names the downstream that could not be reached', () => {
    const error = fromDownstream(
      'device-registry',
      'GetDevice',
      serviceError(status.UNAVAILABLE, 'No connection established. Last error: connect ECONNREFUSED'),
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toBe('device-registry is unavailable');
  });

  it("says when the downstream's TLS certificate was the reason, not the service", () => {
    const error = fromDownstream(
      'device-registry',
      'GetDevice',
      serviceError(
        status.UNAVAILABLE,
        'No connection established. Last error: Error: certificate has expired',
      ),
    );
    expect(error.message).toBe("device-registry is unavailable: the server's TLS certificate has expired");
  });

  it('is a timeout when the downstream did not answer in time', () => {
    const error = fromDownstream(
      'sensor-ingestion',
      'IngestBatch',
      serviceError(status.DEADLINE_EXCEEDED, 'Deadline exceeded'),
    );
    expect(error).toBeInstanceOf(DeadlineExceededError);
  });

  describe('a write that is not safe to repeat', () => {
    const lost = [
      'Connection dropped',
      'read ECONNRESET',
      // Envoy's per-try timeout, as its gRPC reply says it.
      'upstream request timeout',
      'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
    ];
    it.each(lost)('is OUTCOME_UNKNOWN (504) when its answer was lost so: %s', (details) => {
      const error = fromDownstream('alert-manager', 'CreateRule', serviceError(status.UNAVAILABLE, details));
      expect(error).toBeInstanceOf(DeadlineExceededError);
      expect(toGrpcError(error as DeadlineExceededError).code).toBe(status.DEADLINE_EXCEEDED);
      expect((error as DeadlineExceededError).code).toBe('DOWNSTREAM.OUTCOME_UNKNOWN');
      expect(error.message).toBe(
        'the answer of alert-manager was lost; the request may have taken effect: check before repeating it',
      );
    });

    const neverSent = [
      'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: ',
      'Name resolution failed for target dns:alert-manager:50051',
      'Stream refused by server',
      'no healthy upstream',
      'upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure, transport failure reason: delayed connect error: 111',
    ];
    it.each(neverSent)(
      'is still UNAVAILABLE (503) when the request never reached the service: %s',
      (details) => {
        const error = fromDownstream(
          'alert-manager',
          'CreateRule',
          serviceError(status.UNAVAILABLE, details),
        );
        expect(error).toBeInstanceOf(UnavailableError);
      },
    );

    it('is UNAVAILABLE when the service answered so itself, with its reason: it did not take the request', () => {
      const own = toGrpcError(new UnavailableError('STORAGE.UNAVAILABLE', 'database unavailable'));
      const error = fromDownstream(
        'device-registry',
        'CreateDevice',
        Object.assign(new Error('14'), { ...own, details: own.details }),
      );
      expect(error.message).toBe(
        'device-registry is unavailable: its database cannot be reached (STORAGE.UNAVAILABLE)',
      );
    });

    it('leaves reads, retried writes and the alert stream UNAVAILABLE on a lost answer', () => {
      for (const [service, method] of [
        ['alert-manager', 'GetRule'],
        ['alert-manager', 'AcknowledgeAlert'],
        ['alert-manager', 'WatchAlerts'],
        ['sensor-ingestion', 'IngestBatch'],
        ['device-registry', 'RevokeDeviceKey'],
      ] as const) {
        const error = fromDownstream(service, method, serviceError(status.UNAVAILABLE, 'Connection dropped'));
        expect(error).toBeInstanceOf(UnavailableError);
      }
    });
  });

  it('says a registry that did not answer in time kept the device from being authenticated, and nothing was taken', () => {
    const error = authenticationFailed(serviceError(status.DEADLINE_EXCEEDED, 'Deadline exceeded'));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toBe(
      'the device could not be authenticated: device-registry did not answer in time; nothing was taken',
    );
    expect(error.message).not.toMatch(/may have taken effect/);
    expect(decodeStatusDetails(toGrpcError(error as UnavailableError).metadata)?.errorInfo?.reason).toBe(
      'DOWNSTREAM.UNAVAILABLE',
    );
  });
});
