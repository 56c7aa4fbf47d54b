import { isDeviceApiKeyShaped, UnauthenticatedError } from '@iot-mesh/platform';

/** Headers of an HTTP request or metadata of a gRPC call, reduced to what credentials need. */
export type HeaderLookup = (name: string) => string | undefined;

/**
 * The x-api-key value. One sent more than once reaches here as one value joined with ", " (Node joins
 * repeated fields so, over HTTP/1.1 and HTTP/2, REST and gRPC alike); no key holds a comma, so one tells
 * that more than one key came, and which one counted is not chosen silently.
 */
function directKey(header: HeaderLookup): string | undefined {
  const direct = header('x-api-key')?.trim();
  if (direct?.includes(','))
    throw new UnauthenticatedError(
      'AUTH.CONFLICTING_KEYS',
      'x-api-key holds more than one value (the header sent twice?); send one key',
    );
  return direct;
}

/**
 * A device key from `Authorization: Bearer <key>` or `x-api-key: <key>`. Both may be sent, with the
 * same key; two different keys are refused rather than one of them silently chosen (AUTH.CONFLICTING_KEYS).
 * A bearer not shaped as a key (an operator token) does not count as one.
 */
export function apiKeyFrom(header: HeaderLookup): string | undefined {
  const direct = directKey(header);
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

/**
 * Refuses an HTTP request that sends Authorization more than once, given its raw header lines (name,
 * value, name, value...). Node keeps only the first (a field of one value), so which credential
 * counted would otherwise depend on their order, unseen. One pass over the names, most of which a
 * length comparison passes by.
 */
export function refuseRepeatedAuthorization(rawHeaders: readonly string[]): void {
  let seen = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? '';
    if (name.length !== 13 || name.toLowerCase() !== 'authorization') continue;
    if (seen)
      throw new UnauthenticatedError(
        'AUTH.CONFLICTING_KEYS',
        'Authorization is sent more than once; send one credential',
      );
    seen = true;
  }
}
