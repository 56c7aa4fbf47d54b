import { isEmailAddress, MAX_EMAIL_ADDRESS } from './email-address.js';

describe('isEmailAddress', () => {
  it.each([
    'ops@example.com',
    'first.last+alerts@sub.example.co.uk',
    "o'brien@example.com",
    'a!#$%&*/=?^_`{|}~-z@example.com',
    'ops@xn--jgeva-dua.ee',
    'ops@jõgeva.ee',
    'jörg@example.de',
    'a@b-c.example',
    `${'l'.repeat(64)}@example.com`,
  ])('takes %s', (address) => {
    expect(isEmailAddress(address)).toBe(true);
  });

  it.each([
    ['no @', 'ops'],
    ['no domain dot', 'ops@localhost'],
    ['a one-letter top label', 'ops@example.c'],
    ['two addresses', 'ops,admin@example.com'],
    ['a list', 'a@example.com, b@example.com'],
    ['a quoted local part', '"ops"@example.com'],
    ['a comment', 'ops(team)@example.com'],
    ['a group', 'team:ops@example.com'],
    ['a name with brackets', 'Ops <ops@example.com>'],
    ['a semicolon', 'ops;x@example.com'],
    ['a space', 'o ps@example.com'],
    ['a backslash', 'o\\ps@example.com'],
    ['square brackets', 'o[ps]@example.com'],
    ['a domain literal', 'ops@[127.0.0.1]'],
    ['two dots', 'o..ps@example.com'],
    ['a leading dot', '.ops@example.com'],
    ['a trailing dot', 'ops.@example.com'],
    ['two @', 'ops@evil.com@example.com'],
    ['a hyphen starting a label', 'ops@-example.com'],
    ['an empty label', 'ops@example..com'],
    ['a line break (header injection)', 'ops@example.com\r\nBcc: x@example.com'],
    ['a control character', 'o\u0000ps@example.com'],
    ['a C1 control character', 'o\u0085ps@example.com'],
    ['a zero-width space', 'o\u200bps@example.com'],
    ['a no-break space', 'o\u00a0ps@example.com'],
    ['a local part over 64 characters', `${'l'.repeat(65)}@example.com`],
    ['an address over 254 characters', `ops@${`${'d'.repeat(63)}.`.repeat(4)}com`],
  ])('refuses %s', (_why, address) => {
    expect(isEmailAddress(address)).toBe(false);
  });

  it('takes exactly the longest address', () => {
    const domain = `${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(63)}.com`;
    const longest = `${'l'.repeat(MAX_EMAIL_ADDRESS - domain.length - 1)}@${domain}`;
    expect(longest).toHaveLength(MAX_EMAIL_ADDRESS);
    expect(isEmailAddress(longest)).toBe(true);
    expect(isEmailAddress(`l${longest}`)).toBe(false);
  });
});
