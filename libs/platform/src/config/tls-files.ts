import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TlsSettings } from '../grpc/tls-settings.js';

/** One problem with the TLS files, under the variable that names the file. */
export interface TlsFileProblem {
  variable: 'TLS_CA_FILE' | 'TLS_CERT_FILE' | 'TLS_KEY_FILE';
  message: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

const day = (date: Date) => date.toISOString().slice(0, 10);

/** The certificates in a PEM file, the first its own (then its chain); undefined when there are none that parse. */
export function readCertificates(path: string): X509Certificate[] | undefined {
  try {
    const parsed = (readFileSync(path, 'utf8').match(PEM_CERTIFICATE) ?? []).map(
      (block) => new X509Certificate(block),
    );
    return parsed.length > 0 ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function privateKey(path: string): KeyObject | undefined {
  try {
    return createPrivateKey(readFileSync(path));
  } catch {
    return undefined;
  }
}

const noCertificate = (path: string) => `${path} holds no PEM certificate that can be read`;

/** Why `certificate` cannot be used at `now`, or undefined. */
function outsideValidity(certificate: X509Certificate, path: string, now: Date): string | undefined {
  const notAfter = new Date(certificate.validTo);
  const notBefore = new Date(certificate.validFrom);
  if (now > notAfter) return `certificate expired on ${day(notAfter)} (${path})`;
  if (now < notBefore) return `certificate is not valid before ${day(notBefore)} (${path})`;
  return undefined;
}

const signedBy = (certificate: X509Certificate, issuer: X509Certificate) =>
  certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);

/** The CA file's certificate that the chain in the certificate file leads to, if any. */
function issuingAuthority(
  chain: X509Certificate[],
  authorities: X509Certificate[],
): X509Certificate | undefined {
  let current = chain[0];
  for (let step = 0; step < chain.length; step++) {
    const authority = authorities.find((ca) => ca.raw.equals(current.raw) || signedBy(current, ca));
    if (authority) return authority;
    const next = chain.find((candidate) => candidate !== current && signedBy(current, candidate));
    if (!next) return undefined;
    current = next;
  }
  return undefined;
}

/**
 * What would make the TLS files fail only at the first handshake, found at startup instead: a
 * certificate outside its validity period, a key that is not the certificate's, and (mutual TLS,
 * where peers trust only TLS_CA_FILE) a certificate that CA did not issue. The files must exist.
 */
export function tlsFileProblems(tls: TlsSettings, now = new Date()): TlsFileProblem[] {
  const problems: TlsFileProblem[] = [];
  const problem = (variable: TlsFileProblem['variable'], message: string | undefined) => {
    if (message) problems.push({ variable, message });
  };
  const { certFile, keyFile, caFile } = tls;
  if (!certFile) return problems;
  const chain = readCertificates(certFile);
  if (!chain) return [{ variable: 'TLS_CERT_FILE', message: noCertificate(certFile) }];
  problem('TLS_CERT_FILE', outsideValidity(chain[0], certFile, now));
  const key = keyFile ? privateKey(keyFile) : undefined;
  if (keyFile && !key)
    problem('TLS_KEY_FILE', `${keyFile} holds no unencrypted PEM private key that can be read`);
  else if (key && !chain[0].checkPrivateKey(key))
    problem('TLS_KEY_FILE', `${keyFile} is not the private key of the certificate in TLS_CERT_FILE`);
  if (tls.mode !== 'mtls' || !caFile) return problems;
  const authorities = readCertificates(caFile);
  if (!authorities) return [...problems, { variable: 'TLS_CA_FILE', message: noCertificate(caFile) }];
  const authority = issuingAuthority(chain, authorities);
  if (!authority) {
    const issuer = chain[0].issuer.replace(/\n/g, ', ');
    problem(
      'TLS_CERT_FILE',
      `certificate ${certFile} was not issued by TLS_CA_FILE ${caFile} (its issuer: ${issuer})`,
    );
  } else {
    const invalid = outsideValidity(authority, caFile, now);
    problem('TLS_CA_FILE', invalid && `CA ${invalid}`);
  }
  return problems;
}
