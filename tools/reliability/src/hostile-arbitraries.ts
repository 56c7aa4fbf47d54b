import fc from 'fast-check';

/** Strings attackers and broken clients send: SQL/shell metacharacters, control characters, odd unicode. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "'; DROP TABLE devices; --",
    "' OR '1'='1",
    '$(rm -rf /)',
    '`reboot`',
    '|| true &&',
    '../../etc/passwd',
    '%s%n%x',
    '{{7*7}}${7*7}',
    '\u0000',
    '\u202eevil',
    '\ud800',
    'NaN',
    'Infinity',
    '-0',
    '',
    ' ',
    '\r\n\t',
    '🔥🌡️',
    'x'.repeat(5_000),
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom('\u0000', '\u0007', '\n', '\u001b', '\u007f', 'a', '-', '1'),
    maxLength: 20,
  }),
);

/** Numbers at and beyond the edges, including the ones JSON cannot carry (NaN, ±Infinity, -0). */
export const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 53 + 2),
);

/** Any JSON value of the wrong kind for a field, including the non-finite spellings proto3 JSON uses. */
export const nastyJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  nastyNumber,
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '-0', true, null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

/** Literals spliced into otherwise valid JSON, which JSON.stringify would never write. */
export const rawNumberLiteral = fc.constantFrom(
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e400',
  '-1e400',
  '0x10',
  '01',
  '1.',
  '.5',
);

/** Bodies that are not valid JSON at all, or valid but nested absurdly deep. */
export const malformedJson: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{',
    '{"readingId": ',
    '[',
    '"',
    'null',
    '{"a":1,}',
    "{'a':1}",
    '\u0000',
    '{"__proto__":{"polluted":1}}',
  ),
  fc.integer({ min: 1_000, max: 200_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 1_000, max: 100_000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
);

/** A field that is sometimes right, sometimes hostile, sometimes missing (record with requiredKeys: []). */
export const field = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 2, arbitrary: good }, { weight: 3, arbitrary: nastyJsonValue });

/** A valid body with at most one field swapped for a hostile value, so validation is probed field by field. */
export function nearlyValid(
  valid: fc.Arbitrary<Record<string, unknown>>,
): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(valid, fc.nat(), fc.option(nastyJsonValue, { freq: 4 })).map(([body, pick, nasty]) => {
    const keys = Object.keys(body);
    return nasty === null ? body : { ...body, [keys[pick % keys.length]]: nasty };
  });
}
