import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { downstreamUnavailable, DownstreamUnavailableError } from './downstream-unavailable.error.js';
import { UnavailableError } from './unavailable.error.js';

const failure = (code: status, trailers: Record<string, string> = {}): ServiceError => {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error('downstream failed'), { code, details: 'downstream failed', metadata });
};
const answerTo = (error: unknown) => downstreamUnavailable(error, 'X.UNAVAILABLE', 'x failed');

describe('downstreamUnavailable', () => {
  it('lets callers retry a downstream that could not be reached, which a restart explains', () => {
    for (const code of [status.UNAVAILABLE, status.CANCELLED, status.ABORTED]) {
      const answer = answerTo(failure(code));
      expect(answer).toBeInstanceOf(UnavailableError);
      expect(answer).not.toBeInstanceOf(DownstreamUnavailableError);
    }
  });

  it('asks callers not to retry a downstream that timed out, refused the work or failed', () => {
    for (const code of [
      status.DEADLINE_EXCEEDED,
      status.RESOURCE_EXHAUSTED,
      status.UNKNOWN,
      status.INTERNAL,
    ]) {
      expect(answerTo(failure(code))).toBeInstanceOf(DownstreamUnavailableError);
    }
    expect(answerTo(new Error('not a gRPC failure'))).toBeInstanceOf(DownstreamUnavailableError);
  });

  it('passes on a downstream’s own request not to retry it', () => {
    const answer = answerTo(failure(status.UNAVAILABLE, { 'grpc-retry-pushback-ms': '-1' }));
    expect(answer).toBeInstanceOf(DownstreamUnavailableError);
    expect(answer.message).toBe('x failed');
  });
});
