import { z } from 'zod';

export const PROTOCOLS = ['grpc', 'rest'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** The gateway's default MAX_BATCH_SIZE; a larger batch would only measure INVALID_ARGUMENT. */
export const MAX_BATCH_SIZE = 1000;
/** Device ids are `<prefix>-NNNNN`; the registry allows at most 63 characters. */
export const DEVICE_NUMBER_DIGITS = 5;
const MAX_DEVICE_ID_LENGTH = 63;
const MAX_DEVICES = 10 ** DEVICE_NUMBER_DIGITS;

const HOST_PORT = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
const DEVICE_PREFIX = /^[a-z0-9][a-z0-9-]*$/;

const positive = (what: string, max: number) =>
  // z.number() refuses NaN and the infinities by itself.
  z
    .number({ error: `${what} must be a finite number` })
    .refine((n) => n > 0, `${what} must be greater than 0`)
    .refine((n) => n <= max, `${what} must be at most ${max}`);
const wholeNumber = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a finite number` })
    .int(`${what} must be a whole number`)
    .min(min, `${what} must be at least ${min}`)
    .max(max, `${what} must be at most ${max}`);

const tlsSchema = z
  .object({
    /** PEM CA bundle (for gRPC and HTTPS alike); without it the system's roots are trusted. */
    caFile: z.string().min(1).optional(),
    /** Client certificate and key for mTLS. */
    certFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
    /** Name the server certificate must carry when it differs from the target host. */
    serverName: z.string().min(1).optional(),
  })
  .strict();

export const loadOptionsSchema = z
  .object({
    /** Defaults to grpc when a gRPC target is given, else rest. */
    protocol: z.enum(PROTOCOLS, { error: 'protocol must be grpc or rest' }).optional(),
    /** The gateway's gRPC address, host:port. */
    grpcTarget: z
      .string()
      .superRefine((target, ctx) => {
        const port = HOST_PORT.exec(target)?.[1];
        if (port === undefined) ctx.addIssue({ code: 'custom', message: 'gRPC target must be host:port' });
        else if (!validPort(port)) ctx.addIssue({ code: 'custom', message: 'port must be 1..65535' });
      })
      .optional(),
    /** The gateway's HTTP base URL; always needed, because devices are registered over REST. */
    httpBaseUrl: z
      .url({ protocol: /^https?$/, error: 'HTTP base URL must be an http:// or https:// URL' })
      // API paths are appended to it: a query or fragment would end up in front of them.
      .refine((url) => !/[?#]/.test(url), 'HTTP base URL must not have a query (?) or fragment (#)')
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
    devices: wholeNumber('devices', 1, MAX_DEVICES).default(10),
    /** Readings per second, all devices together. */
    ratePerSecond: positive('rate', 1_000_000).default(100),
    batchSize: wholeNumber('batch', 1, MAX_BATCH_SIZE).default(10),
    durationSeconds: positive('duration', 86_400).default(10),
    /** Seconds of the same load sent first and left out of the report: connections, caches and JITs warm up. */
    warmupSeconds: z
      .number({ error: 'warm-up must be a finite number' })
      .min(0, 'warm-up must be at least 0')
      .max(3_600, 'warm-up must be at most 3600')
      .default(0),
    outOfRangeFraction: z
      .number({ error: 'out-of-range fraction must be a number' })
      .min(0, 'out-of-range fraction must be between 0 and 1')
      .max(1, 'out-of-range fraction must be between 0 and 1')
      .default(0),
    operatorToken: z
      .string({ error: 'an operator token is needed to register the devices and issue their keys' })
      .min(1, 'an operator token is needed to register the devices and issue their keys'),
    devicePrefix: z
      .string()
      .regex(
        DEVICE_PREFIX,
        'device prefix may hold lowercase letters, digits and "-", starting with a letter or digit',
      )
      .max(
        MAX_DEVICE_ID_LENGTH - DEVICE_NUMBER_DIGITS - 1,
        `device prefix must be at most ${MAX_DEVICE_ID_LENGTH - DEVICE_NUMBER_DIGITS - 1} characters`,
      )
      .default('loadgen'),
    tls: tlsSchema.optional(),
    /** How long one call (REST request, or one batch's ack on a stream) may take. */
    timeoutSeconds: positive('timeout', 600).default(10),
    /** Calls one device may have outstanding; beyond it scheduled readings are shed (and reported). */
    maxInFlightPerDevice: wholeNumber('max in flight', 1, 10_000).default(32),
    /**
     * REST: the HTTP connections each device keeps to the gateway, as an HTTP client keeps per origin
     * (browsers six); calls beyond them wait for one, their latency still counted from their due time.
     */
    connectionsPerDevice: wholeNumber('connections', 1, 10_000).default(6),
    /** Stops the schedule early (Ctrl+C); what was sent is still drained and reported. */
    // Duck-typed: a signal from another realm (a test runner's) is still a signal.
    signal: z
      .custom<AbortSignal>(
        (value) =>
          typeof value === 'object' && value !== null && typeof (value as AbortSignal).aborted === 'boolean',
        'signal must be an AbortSignal',
      )
      .optional(),
    /** Progress lines (registration, start, drain) for a human watching. */
    log: z.custom<(line: string) => void>((value) => typeof value === 'function').optional(),
    /**
     * Awaited once the warm-up is over, just before the measured load starts: a caller reading the
     * services' own metrics takes its first scrape here, so both cover the same stretch.
     */
    onMeasurementStart: z
      .custom<() => unknown>((value) => typeof value === 'function', 'onMeasurementStart must be a function')
      .optional(),
  })
  .strict()
  .superRefine(
    (options, ctx) => {
      const protocol = options.protocol ?? (options.grpcTarget ? 'grpc' : 'rest');
      if (protocol === 'grpc' && !options.grpcTarget) {
        ctx.addIssue({
          code: 'custom',
          path: ['grpcTarget'],
          message: 'the grpc protocol needs a gRPC target',
        });
      }
      if (!options.httpBaseUrl) {
        ctx.addIssue({
          code: 'custom',
          path: ['httpBaseUrl'],
          message:
            "the HTTP base URL is needed: devices are registered through the gateway's REST operator API",
        });
      }
      // Over REST they apply to the HTTPS requests only: over http:// they would do nothing.
      if (options.tls && protocol === 'rest' && options.httpBaseUrl?.startsWith('http://')) {
        ctx.addIssue({
          code: 'custom',
          path: ['tls'],
          message: 'TLS settings over REST need an https:// HTTP base URL',
        });
      }
      if (options.tls && (options.tls.certFile === undefined) !== (options.tls.keyFile === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['tls'],
          message: 'mTLS needs both a client certificate and its key',
        });
      }
      if (options.tls?.certFile && !options.tls.caFile) {
        ctx.addIssue({
          code: 'custom',
          path: ['tls'],
          message: 'mTLS needs the CA that signed the server certificate',
        });
      }
      // Run also when a field was refused already, so every problem is listed at once; the checks
      // above only look at whether values are present, which is safe on refused input.
    },
    { when: () => true },
  )
  .transform(({ protocol, httpBaseUrl, ...rest }) => ({
    ...rest,
    protocol: protocol ?? (rest.grpcTarget ? 'grpc' : 'rest'),
    // Present: the refinement above reports its absence.
    httpBaseUrl: httpBaseUrl ?? '',
  }));

export type LoadOptionsInput = z.input<typeof loadOptionsSchema>;
export type LoadOptions = z.output<typeof loadOptionsSchema>;

export interface OptionProblem {
  /** The option's key in LoadOptionsInput (the CLI names its flag). */
  option: string;
  message: string;
}

/** Options that cannot make a run; every problem is listed so they can all be fixed at once. */
export class LoadOptionsError extends Error {
  constructor(readonly problems: readonly OptionProblem[]) {
    super(problems.map((p) => p.message).join('; '));
    this.name = 'LoadOptionsError';
  }
}

/** Validates options and fills in the defaults. */
export function parseLoadOptions(input: LoadOptionsInput): LoadOptions {
  const result = loadOptionsSchema.safeParse(input);
  if (result.success) return result.data;
  throw new LoadOptionsError(
    result.error.issues.map((issue) => ({ option: String(issue.path[0] ?? ''), message: issue.message })),
  );
}

function validPort(text: string): boolean {
  const port = Number(text);
  return Number.isInteger(port) && port >= 1 && port <= 65_535;
}
