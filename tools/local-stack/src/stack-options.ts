import { parseArgs } from 'node:util';
import { LOG_LEVELS, POSTGRES_URL_SCHEMES, REDIS_URL_SCHEMES, urlProblem } from '@iot-mesh/platform';

export interface StackOptions {
  dataDir: string;
  storage: 'sqlite' | 'postgres';
  databaseUrl?: string;
  /** Shared rate-limit buckets for the gateway. */
  redisUrl?: string;
  mtls: boolean;
  /** Where --mtls keeps the certificates gen-certs.sh makes; needed with mtls. */
  certsDir?: string;
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
  --certs-dir DIR       where --mtls makes and keeps those certificates (default .local-stack/certs)
  --demo                register a few devices and a rule, and feed simulated readings (alerts within a minute)
  --log-level LEVEL     services' log level: ${LOG_LEVELS.join(', ')} (default info)
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
      'certs-dir': { type: 'string', default: '.local-stack/certs' },
      demo: { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
      'operator-token': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  // Only the reason: the URL may hold a password, and this message is printed.
  const postgresProblem = values.postgres && urlProblem(values.postgres, POSTGRES_URL_SCHEMES);
  if (postgresProblem) throw new Error(`--postgres ${postgresProblem}`);
  const redisProblem = values.redis && urlProblem(values.redis, REDIS_URL_SCHEMES);
  if (redisProblem) throw new Error(`--redis ${redisProblem}`);
  const operatorToken =
    values['operator-token'] ?? process.env['OPERATOR_TOKEN'] ?? 'local-dev-operator-token';
  if (operatorToken.length < 16) {
    const source = values['operator-token'] === undefined ? '$OPERATOR_TOKEN' : '--operator-token';
    throw new Error(`${source} needs at least 16 characters`);
  }
  if (!(LOG_LEVELS as readonly string[]).includes(values['log-level'])) {
    throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  }
  return {
    dataDir: values['data-dir'],
    storage: values.postgres ? 'postgres' : 'sqlite',
    databaseUrl: values.postgres,
    redisUrl: values.redis,
    mtls: values.mtls,
    certsDir: values['certs-dir'],
    demo: values.demo,
    logLevel: values['log-level'],
    operatorToken,
  };
}

export const usage = () => USAGE;
