import { parseArgs } from 'node:util';

export interface StackOptions {
  dataDir: string;
  storage: 'sqlite' | 'postgres';
  databaseUrl?: string;
  /** Shared rate-limit buckets for the gateway. */
  redisUrl?: string;
  mtls: boolean;
  logLevel: string;
  /** The gateway's operator token (a well-known value locally; set your own with --operator-token). */
  operatorToken: string;
  /** Feed a small simulated fleet through the gateway. */
  demo?: boolean;
  /** Do not echo the services' logs (tests). */
  quiet?: boolean;
}

const USAGE = `Usage: npm start -- [options]

Starts every built iot-mesh service on 127.0.0.1 and stops them all on Ctrl+C.

  --data-dir DIR        where the embedded stores keep their files (default .local-stack/data)
  --postgres URL        keep state in PostgreSQL instead (one database, one schema per service table set)
  --redis URL           keep the gateway's rate-limit buckets in Redis (as several replicas would)
  --mtls                mutual TLS between services with certificates from setup-scripts/gen-certs.sh
  --demo                register a few devices and a rule, and feed simulated readings (alerts within a minute)
  --log-level LEVEL     services' log level (default info)
  --operator-token T    the gateway's operator token (default $OPERATOR_TOKEN or local-dev-operator-token)
  -h, --help            this text`;

/** Command-line options of the local stack; bad ones stop it with the usage text. */
export function parseStackOptions(argv: string[]): StackOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string', default: '.local-stack/data' },
      postgres: { type: 'string' },
      redis: { type: 'string' },
      mtls: { type: 'boolean', default: false },
      demo: { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
      'operator-token': {
        type: 'string',
        default: process.env['OPERATOR_TOKEN'] ?? 'local-dev-operator-token',
      },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  if (values.redis !== undefined && !/^rediss?:\/\//.test(values.redis))
    throw new Error('--redis needs a redis:// URL');
  if (values['operator-token'].length < 16) throw new Error('--operator-token needs at least 16 characters');
  if (values.postgres !== undefined && !/^postgres(ql)?:\/\//.test(values.postgres)) {
    throw new Error('--postgres needs a postgres:// URL');
  }
  return {
    dataDir: values['data-dir'],
    storage: values.postgres ? 'postgres' : 'sqlite',
    databaseUrl: values.postgres,
    redisUrl: values.redis,
    mtls: values.mtls,
    demo: values.demo,
    logLevel: values['log-level'],
    operatorToken: values['operator-token'],
  };
}

export const usage = () => USAGE;
