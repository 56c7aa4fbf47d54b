import { domainToASCII } from 'node:url';
import { isEmailAddress } from '@iot-mesh/platform';
import { createTransport } from 'nodemailer';

// The platform's email rule is what the device registry, the alert manager and this service take; this
// checks it against what nodemailer (the SMTP transport's library) makes of an address: every one the
// rule takes must reach the envelope and the To header as that one mailbox, unchanged but for an
// international domain name, which goes as its ASCII form (the same domain).
const mailer = createTransport({ jsonTransport: true });

async function readByNodemailer(to: string): Promise<{ envelope: string[]; header: unknown }> {
  const info = await mailer.sendMail({ from: 'noreply@example.com', to, text: 'x' });
  return { envelope: info.envelope.to, header: (JSON.parse(info.message) as { to: unknown }).to };
}

const printableAscii = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
const others = ['é', 'Ω', '中', '\u00a0', '\u200b', '\u0085', '\u2028', '\u0000', '\r', '\n'];

const asSent = (address: string) => {
  const [local = '', domain = ''] = address.split('@');
  return `${local}@${domainToASCII(domain)}`;
};

/** Every character in each place of an address: the local part's start, middle and end, the domain. */
const candidates = [...printableAscii, ...others].flatMap((c) => [
  `${c}ops@example.com`,
  `o${c}ps@example.com`,
  `ops${c}@example.com`,
  // Letters in a domain are lowercased on the way, which changes nothing; the rest must not be read.
  ...(/[A-Z]/.test(c) ? [] : [`ops@ex${c}ample.com`, `ops@example${c}com`]),
]);

describe('the platform email rule against nodemailer', () => {
  it('takes only addresses nodemailer sends to as they are, one mailbox each', async () => {
    const taken = candidates.filter(isEmailAddress);
    // Not vacuous: most of atext is taken.
    expect(taken.length).toBeGreaterThan(100);
    const changed = [];
    for (const address of taken) {
      const { envelope, header } = await readByNodemailer(address);
      const sent = asSent(address);
      const same = envelope.length === 1 && envelope[0] === sent;
      if (!same || JSON.stringify(header) !== JSON.stringify([{ address: sent, name: '' }])) {
        changed.push({ address, envelope, header });
      }
    }
    expect(changed).toEqual([]);
  });

  it.each([
    ['two mailboxes', 'ops,admin@example.com'],
    ['a comment', 'ops(team)@example.com'],
    ['a group', 'team:ops@example.com'],
    ['a quoted local part', '"ops"@example.com'],
    ['two dots (sent quoted)', 'o..ps@example.com'],
  ])('refuses an address nodemailer reads as another: %s', async (_case, address) => {
    const { envelope } = await readByNodemailer(address);
    expect(envelope).not.toEqual([address]);
    expect(isEmailAddress(address)).toBe(false);
  });
});
