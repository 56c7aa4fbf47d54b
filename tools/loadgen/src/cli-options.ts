import { parseArgs } from 'node:util';
import type { LoadOptionsError, LoadOptionsInput } from './load-options.js';

const USAGE = `Usage: node tools/loadgen/dist/main.js [options]

Registers a simulated fleet at the edge gateway, publishes readings at a fixed rate for a while
(open loop: the schedule does not wait for the server) and prints what got through and how fast.

Where to send
  --target HOST:PORT        the gateway's gRPC address (implies --protocol grpc)
  --http URL                the gateway's HTTP base URL, e.g. http://127.0.0.1:8080, without a query
                            or fragment (always needed: devices are registered through the REST
                            operator API)
  --protocol grpc|rest      PublishReadings streams, or POST /api/v1/readings[/batch]

What to send
  --devices N               simulated devices, each with its own stream or request sequence (default 10)
  --rate R                  readings per second, all devices together (default 100)
  --batch B                 readings per message (default 10); with rest, 1 uses the single-reading endpoint
  --duration S              seconds of sending (default 10); messages go out whole, so when R x S is
                            not a multiple of B the last one overshoots the rate (the report warns)
  --warmup S                seconds of the same load sent first and left out of the report (default 0)
  --out-of-range F          fraction 0..1 of readings well above normal (45..55 °C): exactly floor(n x F)
                            of each device's first n (default 0). They fire alerts only where an alert
                            rule matches them; loadgen creates no rule
  --device-prefix P         device ids are P-00000, P-00001, ... (default loadgen)
  --operator-token T        registers the devices and issues their keys (default $OPERATOR_TOKEN)

Limits
  --timeout S               seconds one call may take, registration included (default 10); a reading
                            call without an answer by then counts as "unknown" (the gateway may have
                            stored it), not failed; a key request is then not repeated
  --max-in-flight N         calls one device may have outstanding; beyond it readings are shed
                            and reported (default 32)
  --connections N           REST: HTTP connections each device keeps to the gateway; calls beyond
                            them wait for one, timed from when they were due (default 6)

TLS, for gRPC and for every https:// request (registration, keys, REST readings)
  --tls                     gRPC over TLS with the system's roots (implied by the options below)
  --tls-ca FILE             CA bundle that signed the gateway's certificate (instead of the system's)
  --tls-cert FILE           client certificate for mTLS (with --tls-key)
  --tls-key FILE            client key for mTLS
  --tls-server-name NAME    name the gateway's certificate carries, when not the host connected to
  With --protocol rest they need an https:// --http URL.

Output
  --json                    print the report as JSON
  -h, --help                this text

Ctrl+C or SIGTERM stops early and still reports what was sent (during the warm-up: the warm-up's
figures) and revokes the run's keys; a second one quits at once (exit 130).

Exit codes: 0 readings were accepted; 1 nothing got through (none accepted, every call answered or
failed), the run failed, or it was stopped before sending; 2 bad options, or a Node older than 24;
3 none accepted, but some calls got no answer in time, so readings may have been stored. With --json,
a run that fails or is refused prints {"error": {...}} on stdout.`;

export const usage = () => USAGE;

/** The CLI flag of each option, so validation problems name what the user typed. */
const FLAGS: Readonly<Record<string, string>> = {
  protocol: '--protocol',
  grpcTarget: '--target',
  httpBaseUrl: '--http',
  devices: '--devices',
  ratePerSecond: '--rate',
  batchSize: '--batch',
  durationSeconds: '--duration',
  warmupSeconds: '--warmup',
  outOfRangeFraction: '--out-of-range',
  operatorToken: '--operator-token',
  devicePrefix: '--device-prefix',
  tls: '--tls-*',
  'tls.caFile': '--tls-ca',
  'tls.certFile': '--tls-cert',
  'tls.keyFile': '--tls-key',
  timeoutSeconds: '--timeout',
  maxInFlightPerDevice: '--max-in-flight',
  connectionsPerDevice: '--connections',
};

export interface CliRequest {
  options: LoadOptionsInput;
  json: boolean;
}

/** Bad command-line input: unknown flags, stray arguments, numbers that are not numbers. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const numberFlag = (flag: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value))
    throw new UsageError(`${flag} needs a number, not "${text}"`);
  return value;
};

const NUMBER_FLAGS = new Set([
  '--devices',
  '--rate',
  '--batch',
  '--duration',
  '--warmup',
  '--out-of-range',
  '--timeout',
  '--max-in-flight',
  '--connections',
]);

/**
 * `--rate -5` as `--rate=-5`: parseArgs takes a value that starts with "-" for an option and refuses
 * it as ambiguous, where the user meant a number, which validation can then refuse clearly.
 */
function withNegativeNumbersJoined(argv: readonly string[]): string[] {
  const joined: string[] = [];
  for (const arg of argv) {
    const previous = joined.at(-1);
    if (previous !== undefined && NUMBER_FLAGS.has(previous) && /^-\.?\d/.test(arg))
      joined[joined.length - 1] = `${previous}=${arg}`;
    else joined.push(arg);
  }
  return joined;
}

/** Turns argv (and OPERATOR_TOKEN from the environment) into run options; validation is runLoad's. */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliRequest | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: withNegativeNumbersJoined(argv),
      options: {
        target: { type: 'string' },
        http: { type: 'string' },
        protocol: { type: 'string' },
        devices: { type: 'string' },
        rate: { type: 'string' },
        batch: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        'out-of-range': { type: 'string' },
        'operator-token': { type: 'string' },
        'device-prefix': { type: 'string' },
        timeout: { type: 'string' },
        'max-in-flight': { type: 'string' },
        connections: { type: 'string' },
        tls: { type: 'boolean', default: false },
        'tls-ca': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-server-name': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const tlsWanted =
    values.tls ||
    [values['tls-ca'], values['tls-cert'], values['tls-key'], values['tls-server-name']].some(
      (v) => v !== undefined,
    );
  const options: LoadOptionsInput = {
    operatorToken: values['operator-token'] ?? env['OPERATOR_TOKEN'] ?? '',
    ...defined({
      protocol: values.protocol as LoadOptionsInput['protocol'],
      grpcTarget: values.target,
      httpBaseUrl: values.http,
      devices: numberFlag('--devices', values.devices),
      ratePerSecond: numberFlag('--rate', values.rate),
      batchSize: numberFlag('--batch', values.batch),
      durationSeconds: numberFlag('--duration', values.duration),
      warmupSeconds: numberFlag('--warmup', values.warmup),
      outOfRangeFraction: numberFlag('--out-of-range', values['out-of-range']),
      devicePrefix: values['device-prefix'],
      timeoutSeconds: numberFlag('--timeout', values.timeout),
      maxInFlightPerDevice: numberFlag('--max-in-flight', values['max-in-flight']),
      connectionsPerDevice: numberFlag('--connections', values.connections),
    }),
    ...(tlsWanted
      ? {
          tls: defined({
            caFile: values['tls-ca'],
            certFile: values['tls-cert'],
            keyFile: values['tls-key'],
            serverName: values['tls-server-name'],
          }),
        }
      : {}),
  };
  return { options, json: values.json };
}

/** Validation problems phrased with the flags the user typed. */
export function describeOptionsError(error: LoadOptionsError): string {
  return error.problems
    .map(({ option, message }) => (FLAGS[option] ? `${FLAGS[option]}: ${message}` : message))
    .join('\n');
}

/** Drops undefined values so the schema's defaults apply (exactOptionalPropertyTypes-safe). */
function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
