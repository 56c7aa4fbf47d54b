/**
 * A query string as the request's JSON, as grpc-gateway reads one: `filter.state=X` sets the nested
 * field, and a repeated parameter is a list.
 */
export function queryAsJson(query: unknown): Record<string, unknown> {
  // Objects without a prototype, so a `__proto__.x` parameter is a key like any other (and unknown).
  const newObject = () => Object.create(null) as Record<string, unknown>;
  const json = newObject();
  for (const [path, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    const keys = path.split('.');
    let target = json;
    for (const key of keys.slice(0, -1)) {
      const next = target[key];
      target = (target[key] = typeof next === 'object' && next !== null ? next : newObject()) as Record<
        string,
        unknown
      >;
    }
    target[keys[keys.length - 1]] = value;
  }
  return json;
}
