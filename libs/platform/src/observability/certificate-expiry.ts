import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { certificateValidity, type CertificateValidity } from '../config/certificate-validity.js';
import type { TlsSettings } from '../grpc/tls-settings.js';
import { RepeatingTask } from '../tasks/repeating-task.js';
import { FailureStreakLog } from './failure-streak-log.js';

export const CERTIFICATE_EXPIRY_METRIC = 'tls_certificate_expiry_timestamp_seconds';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface CertificateExpiryOptions {
  /** How often the certificate file is read again (default a minute: one small file read). */
  intervalMs?: number;
  /** How long before notAfter the warning comes (default 7 days, as the TlsCertificateExpiringSoon alert). */
  warnWithinMs?: number;
  now?: () => number;
}

type State = 'valid' | 'expiring' | 'expired';

// What an operator needs to know in every line: nothing reloads the files.
const NO_RELOAD =
  'the process keeps the certificate it loaded at start (neither its gRPC server nor its clients reload TLS_CERT_FILE): ' +
  'renew it (setup-scripts/gen-certs.sh locally) and restart the service';

const inHours = (ms: number) => Math.round((ms / HOUR_MS) * 10) / 10;

/**
 * Watches the service's own TLS certificate (TLS_CERT_FILE), which the gRPC server presents to its
 * callers and, under mutual TLS, its clients present to the services they call. Peers refuse it once
 * expired, and the only sign elsewhere is every call failing as UNAVAILABLE. The gauge
 * tls_certificate_expiry_timestamp_seconds holds the notAfter of the certificate the process presents
 * (the one it loaded at start: nothing reloads it). Every interval the file is read again; the
 * process logs once per state: at warn within `warnWithinMs` of notAfter, at error once it passed,
 * and at warn when the file on disk was replaced (renewed) while the process still presents the old
 * one. Nothing is watched without a certificate (plaintext).
 */
export function watchCertificateExpiry(
  tls: TlsSettings,
  logger: Logger,
  registry: Registry,
  options: CertificateExpiryOptions = {},
): { stop: () => Promise<void> } | undefined {
  const certFile = tls.certFile;
  if (tls.mode === 'plaintext' || !certFile) return undefined;
  const now = options.now ?? Date.now;
  const warnWithinMs = options.warnWithinMs ?? 7 * DAY_MS;
  const inUse = certificateValidity(certFile);
  const gauge = new Gauge({
    name: CERTIFICATE_EXPIRY_METRIC,
    help: 'notAfter of the TLS certificate (TLS_CERT_FILE) this process presents, in Unix seconds; it is loaded at start and not reloaded',
    registers: [registry],
  });
  gauge.set(inUse.notAfter.getTime() / 1000);

  let state: State | undefined;
  let replacedBy: string | undefined;
  const describe = (certificate: CertificateValidity) => ({
    certFile,
    notAfter: certificate.notAfter.toISOString(),
    subject: certificate.subject,
  });
  const check = (): void => {
    const left = inUse.notAfter.getTime() - now();
    const next: State = left <= 0 ? 'expired' : left <= warnWithinMs ? 'expiring' : 'valid';
    if (next !== state) {
      if (next === 'expired') {
        logger.error(
          describe(inUse),
          `TLS certificate expired at ${inUse.notAfter.toISOString()}: peers refuse this service's TLS handshakes, ` +
            `so calls to it and from it fail as UNAVAILABLE; ${NO_RELOAD}`,
        );
      } else if (next === 'expiring') {
        logger.warn(
          { ...describe(inUse), hoursLeft: inHours(left) },
          `TLS certificate expires at ${inUse.notAfter.toISOString()} (in ${inHours(left)} h); ${NO_RELOAD}`,
        );
      } else if (state === undefined) {
        logger.debug(describe(inUse), 'TLS certificate is valid');
      }
      state = next;
    }
    // A file renewed on disk (cert-manager style) helps only after a restart: say so, once per file.
    const onDisk = certificateValidity(certFile);
    const fingerprint = onDisk.fingerprint === inUse.fingerprint ? undefined : onDisk.fingerprint;
    if (fingerprint !== replacedBy) {
      replacedBy = fingerprint;
      if (fingerprint) {
        logger.warn(
          { ...describe(inUse), onDiskNotAfter: onDisk.notAfter.toISOString() },
          `TLS_CERT_FILE was replaced on disk (the new certificate is valid until ${onDisk.notAfter.toISOString()}), ` +
            `but this process still presents the one it loaded at start (valid until ${inUse.notAfter.toISOString()}); restart it to use the new one`,
        );
      }
    }
  };
  const task = new RepeatingTask(
    // Synchronous reads; a throw becomes the pass's failure.
    () => Promise.resolve().then(check),
    options.intervalMs ?? 60_000,
    new FailureStreakLog(logger, `reading TLS_CERT_FILE ${certFile} for its expiry`, 'warn'),
  );
  task.start();
  return { stop: () => task.stop() };
}
