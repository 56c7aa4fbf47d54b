import { readCertificates } from './tls-files.js';

export interface CertificateValidity {
  notBefore: Date;
  notAfter: Date;
  subject: string;
  /** SHA-256 fingerprint: tells a renewed certificate from the one loaded before. */
  fingerprint: string;
}

/** The validity of the first certificate in a PEM file (its own; a chain follows it); throws when there is none. */
export function certificateValidity(path: string): CertificateValidity {
  const certificate = readCertificates(path)?.[0];
  if (!certificate) throw new Error(`${path} holds no PEM certificate that can be read`);
  return {
    notBefore: certificate.validFromDate,
    notAfter: certificate.validToDate,
    subject: certificate.subject.replace(/\n/g, ', '),
    fingerprint: certificate.fingerprint256,
  };
}
