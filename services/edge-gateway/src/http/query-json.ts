import type { DescField, DescMessage } from '@bufbuild/protobuf';

/** A field of `message` by its proto name or JSON name, as proto3 JSON accepts either. */
const fieldNamed = (message: DescMessage | undefined, key: string): DescField | undefined =>
  message?.fields.find((field) => field.name === key || field.jsonName === key);

const isEnum = (field: DescField | undefined): boolean =>
  field?.fieldKind === 'enum' || (field?.fieldKind === 'list' && field.listKind === 'enum');

/** `"1"` as 1: a query string carries only text, and proto3 JSON takes an enum's number only as a number. */
const enumNumber = (value: unknown): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;

/**
 * A query string as the request's JSON (`schema`), as grpc-gateway reads one: `filter.state=X` sets the
 * nested field, a repeated parameter is a list, and an enum field takes a value's name or its number.
 */
export function queryAsJson(query: unknown, schema: DescMessage): Record<string, unknown> {
  // Objects without a prototype, so a `__proto__.x` parameter is a key like any other (and unknown).
  const newObject = () => Object.create(null) as Record<string, unknown>;
  const json = newObject();
  for (const [path, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    const keys = path.split('.');
    let target = json;
    let message: DescMessage | undefined = schema;
    for (const key of keys.slice(0, -1)) {
      const field = fieldNamed(message, key);
      message = field?.fieldKind === 'message' ? field.message : undefined;
      const next = target[key];
      target = (target[key] = typeof next === 'object' && next !== null ? next : newObject()) as Record<
        string,
        unknown
      >;
    }
    const leaf = keys[keys.length - 1];
    const enumField = isEnum(fieldNamed(message, leaf));
    target[leaf] = !enumField ? value : Array.isArray(value) ? value.map(enumNumber) : enumNumber(value);
  }
  return json;
}
