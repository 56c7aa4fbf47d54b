import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface CapturedMail {
  from: string;
  to: string[];
  /** The message as sent after DATA (headers and body), with dot-stuffing undone. */
  data: string;
}

const fromHexBytes = (text: string): string =>
  Buffer.from(
    text.replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');

/** A header of a captured mail, with RFC 2047 Q-encoded words decoded. */
export function mailHeader(mail: CapturedMail, name: string): string | undefined {
  const [head] = mail.data.split('\r\n\r\n');
  const line = head
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')
    .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line
    ?.slice(name.length + 1)
    .trim()
    .replace(/=\?UTF-8\?Q\?([^?]*)\?=/gi, (_, word: string) => fromHexBytes(word.replace(/_/g, ' ')));
}

/** The text body of a captured mail, quoted-printable decoded when it was sent that way. */
export function mailText(mail: CapturedMail): string {
  const body = mail.data.split('\r\n\r\n').slice(1).join('\r\n\r\n');
  const quotedPrintable = /quoted-printable/i.test(mailHeader(mail, 'Content-Transfer-Encoding') ?? '');
  return quotedPrintable ? fromHexBytes(body.replace(/=\r\n/g, '')) : body;
}

/**
 * Just enough SMTP (RFC 5321) to receive mail from nodemailer on loopback: greeting, EHLO/HELO,
 * MAIL, RCPT, DATA, RSET, NOOP, QUIT. No STARTTLS or AUTH is offered. Recipients at
 * `rejectDomain` are refused with 550, as a mailbox that does not exist.
 */
export class FakeSmtpServer {
  readonly mails: CapturedMail[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly rejectDomain: string) {
    this.server = createServer((socket) => this.converse(socket));
  }

  static async start(rejectDomain = 'bounce.example.com'): Promise<FakeSmtpServer> {
    const smtp = new FakeSmtpServer(rejectDomain);
    await new Promise<void>((resolve) => smtp.server.listen(0, '127.0.0.1', resolve));
    return smtp;
  }

  get url(): string {
    return `smtp://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private converse(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const reply = (line: string) => socket.write(`${line}\r\n`);
    let envelope: CapturedMail = { from: '', to: [], data: '' };
    let dataLines: string[] | undefined;
    let buffered = '';
    reply('220 fake-smtp ESMTP ready');
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (dataLines) {
          if (line === '.') {
            this.mails.push({ ...envelope, data: dataLines.join('\r\n') });
            envelope = { from: '', to: [], data: '' };
            dataLines = undefined;
            reply('250 2.0.0 queued');
          } else {
            dataLines.push(line.startsWith('..') ? line.slice(1) : line);
          }
          continue;
        }
        const command = line.slice(0, 4).toUpperCase();
        const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
        if (command === 'EHLO') {
          reply('250-fake-smtp greets you');
          reply('250 8BITMIME');
        } else if (command === 'HELO' || command === 'NOOP') reply('250 ok');
        else if (command === 'MAIL') {
          envelope = { from: address, to: [], data: '' };
          reply('250 2.1.0 sender ok');
        } else if (command === 'RCPT') {
          if (address.endsWith(`@${this.rejectDomain}`)) reply('550 5.1.1 no such user');
          else {
            envelope.to.push(address);
            reply('250 2.1.5 recipient ok');
          }
        } else if (command === 'DATA') {
          dataLines = [];
          reply('354 end data with <CR><LF>.<CR><LF>');
        } else if (command === 'RSET') {
          envelope = { from: '', to: [], data: '' };
          reply('250 ok');
        } else if (command === 'QUIT') {
          reply('221 bye');
          socket.end();
        } else reply('502 5.5.2 command not implemented');
      }
    });
  }
}
