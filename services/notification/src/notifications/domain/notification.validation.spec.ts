import { Channel, NotificationKind, type NotificationRequest } from './notification.js';
import { notificationViolations } from './notification.validation.js';
import { verificationNotification, verificationViolations } from './verification-message.js';

const HOOKS = ['https://hooks.example.com/iot', 'https://backup.example.com/iot'];
const valid: NotificationRequest = {
  idempotencyKey: 'alert:42:firing',
  kind: NotificationKind.NOTIFICATION_KIND_ALERT_FIRING,
  channel: Channel.CHANNEL_EMAIL,
  recipient: 'ops@example.com',
  subject: 'Boiler too hot',
  body: 'Temperature 91 °C\n\tabove 90 °C for 5m',
  attributes: { alert_id: '42', severity: 'critical' },
  orderingKey: '',
};
const fieldsOf = (changes: Partial<NotificationRequest>, hooks: readonly string[] = HOOKS) =>
  notificationViolations({ ...valid, ...changes }, hooks).map((v) => v.field);

describe('notification validation', () => {
  it('accepts a complete request, multi-line bodies included', () => {
    expect(notificationViolations(valid, HOOKS)).toEqual([]);
  });

  it.each<[string, Partial<NotificationRequest>, string]>([
    ['a missing idempotency key', { idempotencyKey: '' }, 'idempotency_key'],
    ['an idempotency key over 200 characters', { idempotencyKey: 'k'.repeat(201) }, 'idempotency_key'],
    ['an unspecified kind', { kind: NotificationKind.NOTIFICATION_KIND_UNSPECIFIED }, 'kind'],
    ['an unknown kind', { kind: 9 as NotificationKind }, 'kind'],
    ['an unspecified channel', { channel: Channel.CHANNEL_UNSPECIFIED }, 'channel'],
    ['an unknown channel', { channel: 7 as Channel }, 'channel'],
    ['an email recipient that is no address', { recipient: 'ops' }, 'recipient'],
    ['an email recipient with a second address', { recipient: 'a@example.com,b@example.com' }, 'recipient'],
    // Taken before the platform's email rule; nodemailer would send to ops@example.com, or to a group.
    ['an email recipient with a comment', { recipient: 'ops(team)@example.com' }, 'recipient'],
    ['an email recipient that is a group', { recipient: 'team:ops@example.com' }, 'recipient'],
    ['a recipient on the log channel', { channel: Channel.CHANNEL_LOG }, 'recipient'],
    ['a blank subject', { subject: '  ' }, 'subject'],
    ['a subject over 200 characters', { subject: 's'.repeat(201) }, 'subject'],
    ['a subject with a line break (header injection)', { subject: 'hi\r\nBcc: x@example.com' }, 'subject'],
    ['an empty body', { body: '' }, 'body'],
    ['a body with control characters', { body: 'bell\u0007' }, 'body'],
    ['a body with a C1 control character', { body: 'next line\u0085' }, 'body'],
    ['a subject with a C1 control character', { subject: 'hi\u009b' }, 'subject'],
    ['a body over the limit', { body: 'b'.repeat(20_001) }, 'body'],
    ['a bad attribute key', { attributes: { 'Bad Key': 'x' } }, 'attributes.Bad Key'],
    ['a long attribute value', { attributes: { note: 'v'.repeat(257) } }, 'attributes.note'],
  ])('reports %s', (_name, changes, field) => {
    expect(fieldsOf(changes)).toEqual([field]);
  });

  it('lets webhooks go only to a configured URL or the default', () => {
    const webhook = { channel: Channel.CHANNEL_WEBHOOK };
    expect(fieldsOf({ ...webhook, recipient: '' })).toEqual([]);
    expect(fieldsOf({ ...webhook, recipient: HOOKS[1] })).toEqual([]);
    expect(fieldsOf({ ...webhook, recipient: 'https://evil.example.com/' })).toEqual(['recipient']);
    expect(fieldsOf({ ...webhook, recipient: `${HOOKS[0]}/` })).toEqual(['recipient']);
    // Not configured at all: left to the precondition check, which names the real problem.
    expect(fieldsOf({ ...webhook, recipient: 'https://evil.example.com/' }, [])).toEqual([]);
  });

  it('reports every problem at once, in field order', () => {
    expect(fieldsOf({ idempotencyKey: '', channel: 0, subject: '', body: '' })).toEqual([
      'idempotency_key',
      'channel',
      'subject',
      'body',
    ]);
  });
});

describe('verification message', () => {
  const device = { deviceId: 'boiler-1', deviceName: 'Boiler', ownerEmail: 'ops@example.com' };

  it('is keyed by device and addressed to the owner by email', () => {
    const message = verificationNotification(device, Channel.CHANNEL_EMAIL);
    expect(message).toMatchObject({
      idempotencyKey: 'verify:boiler-1',
      kind: NotificationKind.NOTIFICATION_KIND_DEVICE_VERIFICATION,
      recipient: 'ops@example.com',
      subject: 'Verify your new device "Boiler"',
    });
    expect(message.body).toContain('boiler-1');
    expect(notificationViolations(message, [])).toEqual([]);
  });

  it('keeps the log recipient empty and names the owner in the attributes', () => {
    const message = verificationNotification(device, Channel.CHANNEL_LOG);
    expect(message.recipient).toBe('');
    expect(message.attributes).toEqual({ device_id: 'boiler-1', owner_email: 'ops@example.com' });
    expect(notificationViolations(message, [])).toEqual([]);
  });

  it('validates the device fields', () => {
    expect(verificationViolations(device)).toEqual([]);
    expect(
      verificationViolations({ deviceId: '', deviceName: 'a\nb', ownerEmail: 'nope' }).map((v) => v.field),
    ).toEqual(['device_id', 'device_name', 'owner_email']);
  });
});
