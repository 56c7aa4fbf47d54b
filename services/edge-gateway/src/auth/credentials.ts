/** Headers of an HTTP request or metadata of a gRPC call, reduced to what credentials need. */
export type HeaderLookup = (name: string) => string | undefined;

/** A device key from `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function apiKeyFrom(header: HeaderLookup): string | undefined {
  const direct = header('x-api-key')?.trim();
  if (direct) return direct;
  return bearerToken(header);
}

export function bearerToken(header: HeaderLookup): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header('authorization') ?? '');
  return match?.[1];
}

/** Whether a request presents a device key (x-api-key, or a bearer that starts as keys do) rather than an operator token. */
export function presentsDeviceKey(header: HeaderLookup): boolean {
  return Boolean(header('x-api-key')) || /^Bearer\s+imk_/i.test(header('authorization') ?? '');
}
