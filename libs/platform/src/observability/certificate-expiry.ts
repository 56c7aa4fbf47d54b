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
const noReload = (variable: string) =>
  `the process keeps the certificate it loaded at start (neither its gRPC server nor its clients reload ${variable}): ` +
  'renew it (setup-scripts/gen-certs.sh locally) and restart the service';

const inHours = (ms: number) => Math.round((ms / HOUR_MS) * 10) / 10;

/** A certificate file the process loaded at start, and what its expiry does to the service's calls. */
interface WatchedFile {
  variable: 'TLS_CERT_FILE' | 'TLS_CA_FILE';
  path: string;
  /** How the log lines name it. */
  name: string;
  /** What happens once it has expired. */
  expiredMeans: string;
}

function watchedFiles(tls: TlsSettings): WatchedFile[] {
  const files: WatchedFile[] = [];
  if (tls.certFile)
    files.push({
      variable: 'TLS_CERT_FILE',
      path: tls.certFile,
      name: 'TLS certificate',
      expiredMeans:
        "peers refuse this service's TLS handshakes, so calls to it and from it fail as UNAVAILABLE",
    });
  if (tls.caFile)
    files.push({
      variable: 'TLS_CA_FILE',
      path: tls.caFile,
      name: 'CA certificate (TLS_CA_FILE)',
      expiredMeans:
        'this service refuses every peer certificate that chains to it, and peers trusting it refuse this ' +
        "service's own, so calls to it and from it fail as UNAVAILABLE",
    });
  return files;
}

/**
 * Watches the service's own TLS certificate (TLS_CERT_FILE), which the gRPC server presents to its
 * callers and, under mutual TLS, its clients present to the services they call, and the CA certificate
 * (TLS_CA_FILE) it checks its peers' against. Peers refuse an expired certificate, and the only sign
 * elsewhere is every call failing as UNAVAILABLE. The gauge tls_certificate_expiry_timestamp_seconds
 * holds each file's notAfter, labelled with its variable, as loaded at start (nothing reloads them).
 * Every interval the files are read again; the process logs once per state and file: at warn within
 * `warnWithinMs` of notAfter, at error once it passed, and at warn when the file on disk was replaced
 * (renewed) while the process still uses the old one. Nothing is watched without TLS (plaintext).
 */
export function watchCertificateExpiry(
  tls: TlsSettings,
  logger: Logger,
  registry: Registry,
  options: CertificateExpiryOptions = {},
): { stop: () => Promise<void> } | undefined {
  const files = tls.mode === 'plaintext' ? [] : watchedFiles(tls);
  if (files.length === 0) return undefined;
  const gauge = new Gauge({
    name: CERTIFICATE_EXPIRY_METRIC,
    help:
      'notAfter, in Unix seconds, of the TLS certificate this process presents (file="TLS_CERT_FILE") and of the ' +
      'CA it checks peers against (file="TLS_CA_FILE"); both are loaded at start and not reloaded',
    labelNames: ['file'],
    registers: [registry],
  });
  const checks = files.map((file) => {
    const inUse = certificateValidity(file.path);
    gauge.set({ file: file.variable }, inUse.notAfter.getTime() / 1000);
    return fileCheck(file, inUse, logger, options);
  });
  const task = new RepeatingTask(
    // Synchronous reads; a throw becomes the pass's failure.
    () => Promise.resolve().then(() => checks.forEach((check) => check())),
    options.intervalMs ?? 60_000,
    new FailureStreakLog(
      logger,
      `reading ${files.map((file) => file.path).join(' and ')} for their expiry`,
      'warn',
    ),
  );
  task.start();
  return { stop: () => task.stop() };
}

/** One pass over one file: logs what changed since the last pass. */
function fileCheck(
  file: WatchedFile,
  inUse: CertificateValidity,
  logger: Logger,
  options: CertificateExpiryOptions,
): () => void {
  const now = options.now ?? Date.now;
  const warnWithinMs = options.warnWithinMs ?? 7 * DAY_MS;
  const notAfter = inUse.notAfter.toISOString();
  const context = (certificate: CertificateValidity) => ({
    [file.variable === 'TLS_CERT_FILE' ? 'certFile' : 'caFile']: file.path,
    notAfter: certificate.notAfter.toISOString(),
    subject: certificate.subject,
  });
  let state: State | undefined;
  let replacedBy: string | undefined;
  return () => {
    const left = inUse.notAfter.getTime() - now();
    const next: State = left <= 0 ? 'expired' : left <= warnWithinMs ? 'expiring' : 'valid';
    if (next !== state) {
      if (next === 'expired') {
        logger.error(
          context(inUse),
          `${file.name} expired at ${notAfter}: ${file.expiredMeans}; ${noReload(file.variable)}`,
        );
      } else if (next === 'expiring') {
        logger.warn(
          { ...context(inUse), hoursLeft: inHours(left) },
          `${file.name} expires at ${notAfter} (in ${inHours(left)} h); ${noReload(file.variable)}`,
        );
      } else if (state === undefined) {
        logger.debug(context(inUse), `${file.name} is valid`);
      }
      state = next;
    }
    // A file renewed on disk (cert-manager style) helps only after a restart: say so, once per file.
    const onDisk = certificateValidity(file.path);
    const fingerprint = onDisk.fingerprint === inUse.fingerprint ? undefined : onDisk.fingerprint;
    if (fingerprint !== replacedBy) {
      replacedBy = fingerprint;
      if (fingerprint) {
        logger.warn(
          { ...context(inUse), onDiskNotAfter: onDisk.notAfter.toISOString() },
          `${file.variable} was replaced on disk (the new certificate is valid until ${onDisk.notAfter.toISOString()}), ` +
            `but this process still uses the one it loaded at start (valid until ${notAfter}); restart it to use the new one`,
        );
      }
    }
  };
}
