import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface CertificateValidity {
  notBefore: Date;
  notAfter: Date;
  subject: string;
  /** SHA-256 fingerprint: tells a renewed certificate from the one loaded before. */
  fingerprint: string;
}

const FIRST_PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/;

/** The validity of the first certificate in a PEM file (its own; a chain follows it); throws when there is none. */
export function certificateValidity(path: string): CertificateValidity {
  const block = FIRST_PEM_CERTIFICATE.exec(readFileSync(path, 'utf8'))?.[0];
  if (!block) throw new Error(`${path} holds no PEM certificate`);
  const certificate = new X509Certificate(block);
  return {
    notBefore: certificate.validFromDate,
    notAfter: certificate.validToDate,
    subject: certificate.subject.replace(/\n/g, ', '),
    fingerprint: certificate.fingerprint256,
  };
}
