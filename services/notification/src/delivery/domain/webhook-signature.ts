import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The `x-iotmesh-signature` value of a webhook: `sha256=` and the hex HMAC-SHA256, keyed with the
 * shared secret, of `<timestamp>.<body>`. Signing the timestamp with the body lets receivers
 * reject replays of an old, validly signed request.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does: recompute the signature, compare in constant time, and refuse
 * timestamps further than `toleranceSeconds` from its own clock.
 */
export function verifyWebhookSignature(
  secret: string,
  timestampHeader: string,
  body: string,
  signatureHeader: string,
  options: { nowSeconds?: number; toleranceSeconds?: number } = {},
): boolean {
  const timestamp = Number(timestampHeader);
  if (!/^\d+$/.test(timestampHeader) || !Number.isSafeInteger(timestamp)) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signatureHeader);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
