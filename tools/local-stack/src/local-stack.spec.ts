import { fileURLToPath } from 'node:url';
import { addressVariable, readCatalog } from './catalog.js';
import { formatLogLine } from './service-runner.js';
import { serviceEnv } from './service-env.js';
import { parseStackOptions } from './stack-options.js';

const CATALOG = fileURLToPath(new URL('../../../services/catalog.json', import.meta.url));

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

  it('shortens JSON log lines for the terminal', () => {
    const line = JSON.stringify({ level: 'info', time: 't', service: 's', msg: 'serving', grpcPort: 1 });
    expect(formatLogLine('svc', 36, line)).toBe('\u001b[36m[svc]\u001b[0m info serving {"grpcPort":1}');
    expect(formatLogLine('svc', 36, 'plain text')).toBe('\u001b[36m[svc]\u001b[0m plain text');
  });
});
