import { configSchema } from './config-schemas.js';
import {
  bindMountSources,
  dependenciesOf,
  dependencyCondition,
  environmentOf,
  hostAndPort,
  parseCompose,
  publishedPorts,
} from './compose-file.js';
import { addressVariable, existsInRepo, readCatalog, readRepoFile } from './repo.js';

const catalog = readCatalog();
const compose = parseCompose(readRepoFile('docker-compose.yml'));
const serviceNamed = (name: string) => {
  const service = compose.services[name];
  if (!service) throw new Error(`docker-compose.yml has no service "${name}"`);
  return service;
};
const catalogPort = (name: string) => catalog.find((s) => s.name === name)?.grpcPort;
const catalogOrder = catalog.map((s) => s.name);

describe.each(catalog)('docker-compose.yml: $name', (entry) => {
  const service = serviceNamed(entry.name);
  const env = environmentOf(service);

  it('is built from the Dockerfile with its SERVICE build arg', () => {
    expect(service.build).toEqual(expect.objectContaining({ context: '.', args: { SERVICE: entry.name } }));
    expect(service.build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
  });

  it('listens on the catalog ports on every interface and publishes them unchanged', () => {
    const ports = { GRPC_PORT: entry.grpcPort, ADMIN_PORT: entry.adminPort, HTTP_PORT: entry.httpPort };
    for (const [variable, port] of Object.entries(ports)) {
      expect([variable, env[variable]]).toEqual([variable, port === undefined ? undefined : String(port)]);
    }
    expect(env['GRPC_HOST']).toBe('0.0.0.0');
    const published = publishedPorts(service);
    for (const port of [entry.grpcPort, entry.adminPort, entry.httpPort].filter((p) => p !== undefined)) {
      expect(published).toContainEqual({ host: port, container: port });
    }
  });

  it('sets only variables its config schema reads, with values it accepts', async () => {
    const { schema, variables } = await configSchema(entry.name);
    expect(Object.keys(env).filter((name) => !variables.has(name))).toEqual([]);
    const result = schema.safeParse(env);
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });

  it('points every address variable at a compose service on its catalog gRPC port', async () => {
    const { variables } = await configSchema(entry.name);
    // Defaults are 127.0.0.1, which inside a container is the container itself.
    const wanted = [...variables].filter((name) => name.endsWith('_ADDRESS'));
    expect(wanted.filter((name) => env[name] === undefined)).toEqual([]);
    for (const callee of Object.keys(entry.calls)) expect(env[addressVariable(callee)]).toBeDefined();
    for (const [name, value] of Object.entries(env).filter(([name]) => name.endsWith('_ADDRESS'))) {
      const { host, port } = hostAndPort(value);
      expect(compose.services[host]).toBeDefined();
      expect([name, addressVariable(host), port]).toEqual([name, name, catalogPort(host)]);
    }
  });

  it('waits, healthy, for the services it calls and only for services started before it', () => {
    for (const callee of Object.keys(entry.calls)) {
      expect([callee, dependencyCondition(service, callee)]).toEqual([callee, 'service_healthy']);
    }
    for (const dependency of dependenciesOf(service)) {
      expect(compose.services[dependency]).toBeDefined();
      if (catalogOrder.includes(dependency)) {
        expect(catalogOrder.indexOf(dependency)).toBeLessThan(catalogOrder.indexOf(entry.name));
      }
    }
  });

  it('has a healthcheck on the readiness endpoint of its admin port', () => {
    const command = [service.healthcheck?.test].flat().join(' ');
    // Either the port itself or the ADMIN_PORT the container is given (checked above).
    expect(command).toMatch(new RegExp(`(:${entry.adminPort}|process\\.env\\.ADMIN_PORT \\+ ')/readyz\\b`));
  });
});

describe('docker-compose.yml: backing services', () => {
  const imageOf = (name: string) => serviceNamed(name).image ?? '';

  it('stores state in the postgres service wherever a service has storage', async () => {
    expect(imageOf('postgres')).toMatch(/^postgres:15\b/);
    for (const { name } of catalog) {
      if (!(await configSchema(name)).variables.has('DATABASE_URL')) continue;
      const env = environmentOf(serviceNamed(name));
      expect([name, env['STORAGE']]).toEqual([name, 'postgres']);
      expect(hostAndPort(env['DATABASE_URL'] ?? '')).toEqual({ host: 'postgres', port: 5432 });
      expect(dependencyCondition(serviceNamed(name), 'postgres')).toBe('service_healthy');
    }
  });

  it('gives the gateway Redis and an operator token that passes its schema by default', () => {
    const env = environmentOf(serviceNamed('edge-gateway'));
    expect(imageOf('redis')).toMatch(/^redis:7\b/);
    expect(hostAndPort(env['REDIS_URL'] ?? '')).toEqual({ host: 'redis', port: 6379 });
    expect((env['OPERATOR_TOKEN'] ?? '').length).toBeGreaterThanOrEqual(16);
  });

  it('exports traces over OTLP to the jaeger service', () => {
    expect(imageOf('jaeger')).toMatch(/^jaegertracing\/all-in-one:/);
    for (const { name } of catalog) {
      const endpoint = environmentOf(serviceNamed(name))['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? '';
      // 4318 is OTLP/HTTP, the protocol the SDK uses when OTEL_EXPORTER_OTLP_PROTOCOL is not set.
      expect([name, hostAndPort(endpoint)]).toEqual([name, { host: 'jaeger', port: 4318 }]);
    }
  });

  it('mounts only files that exist in the repo', () => {
    const mounts = Object.values(compose.services).flatMap(bindMountSources);
    expect(mounts.length).toBeGreaterThan(0);
    for (const { source } of mounts) expect([source, existsInRepo(source)]).toEqual([source, true]);
  });
});

describe('docker-compose.yml as the docs describe it', () => {
  const sectionOf = (text: string, heading: string) =>
    text.split(/^#+ /m).find((part) => part.startsWith(`${heading}\n`)) ?? `no section "${heading}"`;

  it("gives the gateway the operator token README's Containers section tells compose users to send", () => {
    const containers = sectionOf(readRepoFile('README.md'), 'Containers');
    const tokens = [...containers.matchAll(/Bearer ([^\s'"`]+)/g)].map(([, token]) => token);
    expect(tokens).toEqual([environmentOf(serviceNamed('edge-gateway'))['OPERATOR_TOKEN']]);
  });

  it('runs plaintext between services, as docs/troubleshooting.md says where it speaks of TLS', () => {
    const modes = catalog.map(({ name }) => environmentOf(serviceNamed(name))['TLS_MODE'] ?? 'plaintext');
    expect(new Set(modes)).toEqual(new Set(['plaintext']));
    const certificates = sectionOf(
      readRepoFile('docs/troubleshooting.md'),
      'Certificates expired under `--mtls`',
    );
    expect(certificates.replace(/\s+/g, ' ')).toMatch(/docker compose runs plaintext/);
  });
});
