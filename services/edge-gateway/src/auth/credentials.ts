import { isDeviceApiKeyShaped, UnauthenticatedError } from '@iot-mesh/platform';

/** Headers of an HTTP request or metadata of a gRPC call, reduced to what credentials need. */
export type HeaderLookup = (name: string) => string | undefined;

/**
 * A device key from `Authorization: Bearer <key>` or `x-api-key: <key>`. Both may be sent, with the
 * same key; two different keys are refused rather than one of them silently chosen (AUTH.CONFLICTING_KEYS).
 * A bearer not shaped as a key (an operator token) does not count as one.
 */
export function apiKeyFrom(header: HeaderLookup): string | undefined {
  const direct = header('x-api-key')?.trim();
  const bearer = bearerToken(header);
  if (!direct) return bearer;
  if (bearer !== undefined && bearer !== direct && isDeviceApiKeyShaped(bearer)) {
    throw new UnauthenticatedError(
      'AUTH.CONFLICTING_KEYS',
      'x-api-key and Authorization: Bearer carry different device keys; send one',
    );
  }
  return direct;
}

export function bearerToken(header: HeaderLookup): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header('authorization') ?? '');
  return match?.[1];
}

/** Whether a request presents a device key (x-api-key, or a bearer that starts as keys do) rather than an operator token. */
export function presentsDeviceKey(header: HeaderLookup): boolean {
  return Boolean(header('x-api-key')) || /^Bearer\s+imk_/i.test(header('authorization') ?? '');
}
