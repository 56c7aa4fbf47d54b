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
