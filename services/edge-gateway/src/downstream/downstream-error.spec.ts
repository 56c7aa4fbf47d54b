import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { DeadlineExceededError, UnavailableError } from '@iot-mesh/platform';
import { fromDownstream } from './downstream-error.js';

const serviceError = (code: status, details: string): ServiceError =>
  Object.assign(new Error(`${code} ${details}`), { code, details, metadata: new Metadata() });

describe('fromDownstream', () => {
  it('names the downstream that could not be reached', () => {
    const error = fromDownstream(
      'device-registry',
      serviceError(status.UNAVAILABLE, 'No connection established. Last error: connect ECONNREFUSED'),
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toBe('device-registry is unavailable');
  });

  it("says when the downstream's TLS certificate was the reason, not the service", () => {
    const error = fromDownstream(
      'device-registry',
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
      serviceError(status.DEADLINE_EXCEEDED, 'Deadline exceeded'),
    );
    expect(error).toBeInstanceOf(DeadlineExceededError);
  });
});
