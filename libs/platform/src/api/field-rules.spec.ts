import { MAP_KEY_RULE, stringMapViolations, textViolations } from './field-rules.js';

const reasons = (found: { field: string; reason: string }[]) => found.map((v) => `${v.field} ${v.reason}`);

describe('field rules', () => {
  it('judges free text: blank only when required, then length, then control characters', () => {
    expect(reasons(textViolations('name', '  ', 10))).toEqual(['name FIELD.REQUIRED']);
    expect(textViolations('name', '', 10, { required: false })).toEqual([]);
    expect(reasons(textViolations('name', 'x'.repeat(11), 10))).toEqual(['name FIELD.TOO_LONG']);
    expect(reasons(textViolations('name', 'a\nb', 10))).toEqual(['name FIELD.CONTROL_CHARACTERS']);
    // A caller may allow line breaks (a message body) and still refuse other control characters.
    // eslint-disable-next-line no-control-regex -- control characters are what it tests
    const body = { control: /[\u0000-\u0009\u000b-\u001f]/ };
    expect(textViolations('body', 'a\nb', 10, body)).toEqual([]);
    expect(reasons(textViolations('body', 'a\u0007b', 10, body))).toEqual(['body FIELD.CONTROL_CHARACTERS']);
  });

  it('counts characters (code points), not UTF-16 units, and takes text that shows nothing for blank', () => {
    expect(textViolations('name', '🌡'.repeat(10), 10)).toEqual([]);
    expect(reasons(textViolations('name', '🌡'.repeat(11), 10))).toEqual(['name FIELD.TOO_LONG']);
    // A right-to-left override, a zero-width space, a space and a byte order mark show nothing.
    expect(reasons(textViolations('name', '\u202e\u200b \ufeff', 10))).toEqual(['name FIELD.REQUIRED']);
    expect(textViolations('name', '\u200bx', 10)).toEqual([]);
  });

  it('judges a string map: entry count first, then each key and value with the field path', () => {
    const rule = { maxEntries: 3, maxValueLength: 5, reasonPrefix: 'LABELS' };
    expect(stringMapViolations('labels', { site: 'a', 'zone.b-2_c': 'bb' }, rule)).toEqual([]);
    expect(reasons(stringMapViolations('labels', { a: '1', b: '2', c: '3', d: '4' }, rule))).toEqual([
      'labels LABELS.TOO_MANY',
    ]);
    const found = stringMapViolations('labels', { Site: 'a', ok: 'toolong', '-x': 'a\tb' }, rule);
    expect(reasons(found)).toEqual([
      'labels.Site LABELS.KEY_FORMAT',
      'labels.ok FIELD.TOO_LONG',
      'labels.-x LABELS.KEY_FORMAT',
      'labels.-x FIELD.CONTROL_CHARACTERS',
    ]);
    expect(found[0].description).toBe(MAP_KEY_RULE);
    // An empty value is allowed; a key of 64 characters is not.
    expect(stringMapViolations('labels', { a: '' }, rule)).toEqual([]);
    expect(reasons(stringMapViolations('labels', { ['k'.repeat(64)]: 'v' }, rule))).toEqual([
      `labels.${'k'.repeat(64)} LABELS.KEY_FORMAT`,
    ]);
  });
});
