import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tlsFileProblems } from './tls-files.js';

const GEN_CERTS = fileURLToPath(new URL('../../../../setup-scripts/gen-certs.sh', import.meta.url));
const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });

describe('the TLS files, checked at startup', () => {
  let dir: string;
  const trusted = (file: string) => join(dir, 'trusted', file);
  const mtls = (cert: string, key = cert.replace(/\.crt$/, '.key'), ca = trusted('ca.crt')) => ({
    mode: 'mtls' as const,
    caFile: ca,
    certFile: cert,
    keyFile: key,
  });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'iot-mesh-tls-files-'));
    execFileSync('bash', [GEN_CERTS, '--out', join(dir, 'trusted'), 'svc', 'other'], { stdio: 'ignore' });
    execFileSync('bash', [GEN_CERTS, '--out', join(dir, 'foreign'), '--ca-name', 'someone else', 'svc'], {
      stdio: 'ignore',
    });
    // The trusted CA's certificate for svc's key, valid until the day before it was issued.
    openssl('req', '-new', '-key', trusted('svc.key'), '-subj', '/CN=svc', '-out', join(dir, 'svc.csr'));
    openssl(
      'x509',
      '-req',
      '-days',
      '-1',
      '-in',
      join(dir, 'svc.csr'),
      '-CA',
      trusted('ca.crt'),
      '-CAkey',
      trusted('ca.key'),
      '-out',
      join(dir, 'expired.crt'),
    );
    // An expired CA (req refuses negative days; x509 signing it again with its own key does not).
    const oldCa = join(dir, 'old-ca.crt');
    const oldCaKey = join(dir, 'old-ca.key');
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=old CA',
      '-keyout',
      oldCaKey,
      '-out',
      oldCa,
    );
    openssl('x509', '-in', oldCa, '-signkey', oldCaKey, '-days', '-1', '-out', oldCa);
    openssl(
      'x509',
      '-req',
      '-days',
      '30',
      '-in',
      join(dir, 'svc.csr'),
      '-CA',
      oldCa,
      '-CAkey',
      oldCaKey,
      '-out',
      join(dir, 'by-old-ca.crt'),
    );
    writeFileSync(join(dir, 'garbage.crt'), 'not a certificate\n');
    // A certificate file that carries the CA's certificate after its own, as chains are written.
    writeFileSync(
      join(dir, 'chain.crt'),
      readFileSync(trusted('svc.crt'), 'utf8') + readFileSync(trusted('ca.crt'), 'utf8'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds nothing wrong with what gen-certs.sh makes, alone or followed by its chain', () => {
    expect(tlsFileProblems(mtls(trusted('svc.crt')))).toEqual([]);
    expect(tlsFileProblems(mtls(join(dir, 'chain.crt'), trusted('svc.key')))).toEqual([]);
    expect(
      tlsFileProblems({ mode: 'tls', certFile: trusted('svc.crt'), keyFile: trusted('svc.key') }),
    ).toEqual([]);
  });

  it('names the day an expired certificate ran out', () => {
    const expired = join(dir, 'expired.crt');
    const notAfter = new Date(
      /notAfter=(.*)/.exec(
        execFileSync('openssl', ['x509', '-in', expired, '-noout', '-enddate'], { encoding: 'utf8' }),
      )![1],
    );
    expect(tlsFileProblems(mtls(expired, trusted('svc.key')))).toEqual([
      {
        variable: 'TLS_CERT_FILE',
        message: `certificate expired on ${notAfter.toISOString().slice(0, 10)} (${expired})`,
      },
    ]);
  });

  it('refuses a certificate that is not valid yet', () => {
    const before = new Date('2000-01-01T00:00:00Z');
    expect(tlsFileProblems({ ...mtls(trusted('svc.crt')), mode: 'tls' }, before)).toEqual([
      {
        variable: 'TLS_CERT_FILE',
        message: expect.stringMatching(/^certificate is not valid before \d{4}-/) as string,
      },
    ]);
  });

  it('refuses, under mutual TLS, a certificate another CA issued', () => {
    const foreign = join(dir, 'foreign', 'svc.crt');
    expect(tlsFileProblems(mtls(foreign))).toEqual([
      {
        variable: 'TLS_CERT_FILE',
        message: `certificate ${foreign} was not issued by TLS_CA_FILE ${trusted('ca.crt')} (its issuer: CN=someone else)`,
      },
    ]);
    // One-way TLS: clients trust whatever CA they are given, so the CA file does not judge it.
    expect(tlsFileProblems({ ...mtls(foreign), mode: 'tls' })).toEqual([]);
  });

  it('refuses a CA that has expired', () => {
    const ca = join(dir, 'old-ca.crt');
    expect(tlsFileProblems(mtls(join(dir, 'by-old-ca.crt'), trusted('svc.key'), ca))).toEqual([
      {
        variable: 'TLS_CA_FILE',
        message: expect.stringMatching(/^CA certificate expired on \d{4}-\d\d-\d\d \(/) as string,
      },
    ]);
  });

  it('refuses a key that is not the certificate’s, and files that hold no certificate or key', () => {
    expect(tlsFileProblems(mtls(trusted('svc.crt'), trusted('other.key')))).toEqual([
      {
        variable: 'TLS_KEY_FILE',
        message: `${trusted('other.key')} is not the private key of the certificate in TLS_CERT_FILE`,
      },
    ]);
    const garbage = join(dir, 'garbage.crt');
    expect(tlsFileProblems(mtls(garbage, trusted('svc.key')))).toEqual([
      { variable: 'TLS_CERT_FILE', message: `${garbage} holds no PEM certificate that can be read` },
    ]);
    expect(tlsFileProblems(mtls(trusted('svc.crt'), garbage))).toEqual([
      {
        variable: 'TLS_KEY_FILE',
        message: `${garbage} holds no unencrypted PEM private key that can be read`,
      },
    ]);
    expect(tlsFileProblems(mtls(trusted('svc.crt'), trusted('svc.key'), garbage))).toEqual([
      { variable: 'TLS_CA_FILE', message: `${garbage} holds no PEM certificate that can be read` },
    ]);
  });
});
