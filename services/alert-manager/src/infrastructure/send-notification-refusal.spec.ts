import { Metadata, status } from '@grpc/grpc-js';
import { FailedPreconditionError, toGrpcError } from '@iot-mesh/platform';
import { NotificationRejectedError } from '../notifications/notification-sender.port.js';
import { refusalOf } from './send-notification-refusal.js';

const failed = (code: status, details: string, metadata = new Metadata()) =>
  Object.assign(new Error(`${code} ${details}`), { code, details, metadata });

describe('refusalOf', () => {
  it('rejects an answer about the notification itself for good, saying why', () => {
    const refused = toGrpcError(
      new FailedPreconditionError(
        'NOTIFICATION.CHANNEL_NOT_CONFIGURED',
        'the email channel is not configured on this service',
      ),
    );
    const rejection = refusalOf(failed(refused.code, refused.details, refused.metadata));
    expect(rejection).toBeInstanceOf(NotificationRejectedError);
    expect(rejection?.message).toBe(
      'FailedPrecondition NOTIFICATION.CHANNEL_NOT_CONFIGURED: the email channel is not configured on this service',
    );
  });

  it('leaves failures of the deployment and outages to be retried', () => {
    for (const code of [
      status.UNAVAILABLE,
      status.PERMISSION_DENIED,
      status.UNIMPLEMENTED,
      status.NOT_FOUND,
    ]) {
      expect(refusalOf(failed(code, 'not now'))).toBeUndefined();
    }
    expect(refusalOf(new Error('socket hang up'))).toBeUndefined();
  });
});
