import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

const SECRET = 'a-shared-secret-of-32-characters';
const BODY = '{"id":"ntf-1","subject":"Boiler too hot"}';

describe('webhook signature', () => {
  it('is sha256= and the hex HMAC of "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', SECRET).update(`1700000000.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, 1_700_000_000, BODY)).toBe(`sha256=${expected}`);
  });

  it('verifies what was signed, within the tolerance', () => {
    const signature = signWebhook(SECRET, 1_700_000_000, BODY);
    const check = (secret: string, timestamp: string, body: string, nowSeconds = 1_700_000_010) =>
      verifyWebhookSignature(secret, timestamp, body, signature, { nowSeconds });
    expect(check(SECRET, '1700000000', BODY)).toBe(true);
    expect(check('another-secret-of-enough-length', '1700000000', BODY)).toBe(false);
    expect(check(SECRET, '1700000001', BODY)).toBe(false);
    expect(check(SECRET, '1700000000', `${BODY} `)).toBe(false);
    expect(check(SECRET, '1700000000', BODY, 1_700_000_000 + 301)).toBe(false);
    expect(check(SECRET, '17e8', BODY)).toBe(false);
  });
});
