import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A CA and certificates with validity periods to the second, made by openssl in `dir`: `openssl x509
 * -days` counts whole days, `openssl ca -startdate/-enddate` takes exact times (openssl 3.0 has no
 * `x509 -not_after`).
 */
export class ShortLivedCerts {
  /** `caDays`: how long the CA itself is valid from now. */
  constructor(
    private readonly dir: string,
    caDays = 30,
  ) {
    mkdirSync(join(dir, 'ca-db'), { recursive: true });
    writeFileSync(join(dir, 'ca-db', 'index.txt'), '');
    writeFileSync(join(dir, 'ca-db', 'serial'), '1000\n');
    writeFileSync(
      join(dir, 'ca.cnf'),
      [
        '[ca]',
        'default_ca = test',
        '[test]',
        `dir = ${join(dir, 'ca-db')}`,
        'database = $dir/index.txt',
        'serial = $dir/serial',
        'new_certs_dir = $dir',
        'default_md = sha256',
        'policy = any',
        'unique_subject = no',
        '[any]',
        'commonName = supplied',
        '[ext]',
        'basicConstraints = CA:FALSE',
        'keyUsage = critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage = serverAuth,clientAuth',
        'subjectAltName = DNS:localhost,IP:127.0.0.1',
        '',
      ].join('\n'),
    );
    this.openssl(
      'req',
      ...['-x509', '-newkey', 'rsa:2048', '-nodes', '-days', String(caDays), '-subj', '/CN=test CA'],
      ...['-keyout', this.path('ca.key'), '-out', this.path('ca.crt')],
      ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    );
  }

  get caFile(): string {
    return this.path('ca.crt');
  }

  /** The CA certificate's own notAfter. */
  caNotAfter(): Date {
    return new X509Certificate(readFileSync(this.caFile)).validToDate;
  }

  /** A certificate for 127.0.0.1/localhost named `name` (name.crt, name.key), valid from `notBefore` to `notAfter`. */
  issue(name: string, notBefore: Date, notAfter: Date): { certFile: string; keyFile: string } {
    const [certFile, keyFile, csr] = [`${name}.crt`, `${name}.key`, `${name}.csr`].map((file) =>
      this.path(file),
    );
    this.openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      keyFile,
      '-out',
      csr,
    );
    this.openssl(
      'ca',
      ...['-batch', '-notext', '-config', this.path('ca.cnf'), '-extensions', 'ext'],
      ...['-cert', this.caFile, '-keyfile', this.path('ca.key')],
      ...['-startdate', asn1Time(notBefore), '-enddate', asn1Time(notAfter), '-in', csr, '-out', certFile],
    );
    return { certFile, keyFile };
  }

  private path(file: string): string {
    return join(this.dir, file);
  }

  private openssl(...args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: 'ignore' });
  }
}

/** openssl's time format, YYYYMMDDHHMMSSZ. */
const asn1Time = (date: Date) => date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
