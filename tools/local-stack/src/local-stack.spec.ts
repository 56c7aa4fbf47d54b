import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LOG_LEVELS } from '@iot-mesh/platform';
import { addressVariable, readCatalog } from './catalog.js';
import { formatLogLine } from './service-runner.js';
import { serviceEnv } from './service-env.js';
import { parseStackOptions, usage } from './stack-options.js';

const CATALOG = fileURLToPath(new URL('../../../services/catalog.json', import.meta.url));
const README = fileURLToPath(new URL('../../../README.md', import.meta.url));

describe('local stack', () => {
  const catalog = readCatalog(CATALOG);

  it('reads the catalog in dependency order with unique ports', () => {
    const names = catalog.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'device-registry',
        'sensor-ingestion',
        'data-processor',
        'alert-manager',
        'notification',
      ]),
    );
    for (const service of catalog) {
      for (const callee of Object.keys(service.calls)) {
        expect(names.indexOf(callee)).toBeLessThan(names.indexOf(service.name)); // callees start first
      }
    }
    const ports = catalog.flatMap((s) => [s.grpcPort, s.adminPort]);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('gives each service its ports, the addresses of the peers it calls, storage and TLS files', () => {
    const registry = catalog.find((s) => s.name === 'device-registry')!;
    const options = {
      dataDir: '/tmp/x/data',
      storage: 'sqlite' as const,
      mtls: true,
      logLevel: 'debug',
      operatorToken: 'x'.repeat(16),
    };
    const env = serviceEnv(
      registry,
      catalog,
      options,
      { mode: 'mtls', certDir: '/tmp/x/certs' },
      'localhost',
    );
    expect(env).toMatchObject({
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: String(registry.grpcPort),
      ADMIN_HOST: '127.0.0.1',
      ADMIN_PORT: String(registry.adminPort),
      NOTIFICATION_ADDRESS: `localhost:${catalog.find((s) => s.name === 'notification')!.grpcPort}`,
      TLS_MODE: 'mtls',
      TLS_CERT_FILE: '/tmp/x/certs/device-registry.crt',
      DATA_DIR: '/tmp/x/data',
      LOG_LEVEL: 'debug',
    });
    expect(env).not.toHaveProperty('DATA_PROCESSOR_ADDRESS'); // the registry does not call the processor
    expect(addressVariable('sensor-ingestion')).toBe('SENSOR_INGESTION_ADDRESS');
  });

  it('parses options and refuses bad ones', () => {
    expect(parseStackOptions([])).toMatchObject({
      storage: 'sqlite',
      mtls: false,
      dataDir: '.local-stack/data',
    });
    expect(parseStackOptions(['--postgres', 'postgres://u@h/db', '--mtls'])).toMatchObject({
      storage: 'postgres',
      mtls: true,
    });
    expect(parseStackOptions(['--help'])).toBe('help');
    expect(() => parseStackOptions(['--postgres', 'mysql://x'])).toThrow('postgres://');
    expect(parseStackOptions(['--redis', 'redis://127.0.0.1:6379'])).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
    });
    expect(() => parseStackOptions(['--redis', 'http://x'])).toThrow('redis://');
    expect(() => parseStackOptions(['--nope'])).toThrow();
    expect(() => parseStackOptions(['--operator-token', 'short'])).toThrow('16 characters');
  });

  it('keeps the certificates where --certs-dir says, by default .local-stack/certs, whatever --data-dir says', () => {
    expect(parseStackOptions(['--data-dir', '/home/me/iot-data', '--mtls'])).toMatchObject({
      dataDir: '/home/me/iot-data',
      certsDir: '.local-stack/certs',
    });
    expect(parseStackOptions(['--mtls', '--certs-dir', '/tmp/my-certs'])).toMatchObject({
      certsDir: '/tmp/my-certs',
    });
  });

  it('refuses a URL that does not parse, without repeating its password', () => {
    for (const [option, url] of [
      ['--postgres', 'postgres://postgres:secretpw@127.0.0.1:notaport/iot'],
      ['--redis', 'redis://:secretpw@127.0.0.1:notaport'],
      ['--redis', 'redis://:secretpw@127.0.0.1:99999'],
    ] as const) {
      const refusal = () => parseStackOptions([option, url]);
      expect(refusal).toThrow(`${option} must be a`);
      expect(refusal).not.toThrow('secretpw');
    }
    expect(parseStackOptions(['--redis', 'rediss://:pw@cache.internal:6380/2'])).toMatchObject({
      redisUrl: 'rediss://:pw@cache.internal:6380/2',
    });
  });

  it('names $OPERATOR_TOKEN when the short token came from the environment', () => {
    const saved = process.env['OPERATOR_TOKEN'];
    process.env['OPERATOR_TOKEN'] = 'short';
    try {
      expect(() => parseStackOptions([])).toThrow(/^\$OPERATOR_TOKEN needs at least 16 characters$/);
      expect(() => parseStackOptions(['--operator-token', 'tiny'])).toThrow(/^--operator-token needs/);
      expect(parseStackOptions(['--operator-token', 'y'.repeat(16)])).toMatchObject({
        operatorToken: 'y'.repeat(16),
      });
    } finally {
      if (saved === undefined) delete process.env['OPERATOR_TOKEN'];
      else process.env['OPERATOR_TOKEN'] = saved;
    }
  });

  it('takes the log levels the services take, and refuses others', () => {
    for (const level of LOG_LEVELS)
      expect(parseStackOptions(['--log-level', level])).toMatchObject({ logLevel: level });
    expect(() => parseStackOptions(['--log-level', 'verbose'])).toThrow(
      '--log-level must be one of fatal, error, warn, info, debug, trace, silent',
    );
  });

  it('lists in --help the options the README table lists', () => {
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf('| option ');
    const rows = readme.slice(start, readme.indexOf('\n\n', start)).split('\n').slice(2);
    const optionsIn = (text: string) => [...new Set(text.match(/--[a-z][a-z-]*/g))].sort();
    const tabled = optionsIn(rows.map((row) => row.split('|')[1]).join(' '));
    expect(tabled).toEqual(optionsIn(usage()).filter((option) => option !== '--help'));
  });

  it('shortens JSON log lines for the terminal', () => {
    const line = JSON.stringify({ level: 'info', time: 't', service: 's', msg: 'serving', grpcPort: 1 });
    expect(formatLogLine('svc', 36, line)).toBe('\u001b[36m[svc]\u001b[0m info serving {"grpcPort":1}');
    expect(formatLogLine('svc', 36, 'plain text')).toBe('\u001b[36m[svc]\u001b[0m plain text');
  });
});
