import { parse } from 'yaml';
import { z } from 'zod';

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const serviceSchema = z.looseObject({
  image: z.string().optional(),
  build: z
    .object({
      context: z.string(),
      dockerfile: z.string().optional(),
      args: z.record(z.string(), scalar).optional(),
    })
    .optional(),
  environment: z.record(z.string(), scalar).optional(),
  ports: z.array(scalar).optional(),
  volumes: z.array(z.string()).optional(),
  depends_on: z
    .union([z.array(z.string()), z.record(z.string(), z.object({ condition: z.string() }))])
    .optional(),
  healthcheck: z.object({ test: z.union([z.string(), z.array(z.string())]) }).optional(),
});

const composeSchema = z.object({ services: z.record(z.string(), serviceSchema) });

export type ComposeService = z.output<typeof serviceSchema>;
export type ComposeFile = z.output<typeof composeSchema>;

/** Parses a compose file as Compose does: YAML merge keys (`<<: *anchor`) included. */
export function parseCompose(text: string): ComposeFile {
  return composeSchema.parse(parse(text, { merge: true }));
}

/**
 * Compose's own variable interpolation with nothing set in the environment, i.e. the values the stack
 * gets by default: `${VAR:-default}` and `${VAR-default}` become the default, `${VAR}` empty, `$$` a `$`.
 */
export function interpolate(value: string): string {
  return value
    .replace(/\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}/g, (_match, fallback?: string) => fallback ?? '')
    .replace(/\$\$/g, '$');
}

/** The service's environment after interpolation. */
export const environmentOf = (service: ComposeService): Record<string, string> =>
  Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([name, value]) => [name, interpolate(value)]),
  );

export interface PublishedPort {
  host: number;
  container: number;
}

/** Short port syntax: `[ip:]host:container[/protocol]`. */
export function publishedPorts(service: ComposeService): PublishedPort[] {
  return (service.ports ?? []).map((spec) => {
    const parts = interpolate(spec)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const container = Number(parts.at(-1));
    return { host: parts.length > 1 ? Number(parts.at(-2)) : container, container };
  });
}

/** Names of the services this one waits for. */
export const dependenciesOf = (service: ComposeService): string[] =>
  Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});

/** Condition per dependency (`service_started` for the short list syntax). */
export const dependencyCondition = (service: ComposeService, dependency: string): string | undefined =>
  Array.isArray(service.depends_on)
    ? service.depends_on.includes(dependency)
      ? 'service_started'
      : undefined
    : service.depends_on?.[dependency]?.condition;

/** Host paths of bind mounts (`./deploy/x:/etc/x:ro`), relative to the compose file. */
export const bindMountSources = (service: ComposeService): { source: string; target: string }[] =>
  (service.volumes ?? [])
    .map((spec) => interpolate(spec).split(':'))
    .filter(([source]) => source !== undefined && /^\.{1,2}\//.test(source))
    .map(([source = '', target = '']) => ({ source, target }));

/** `host:port` of a URL or plain address. */
export function hostAndPort(address: string): { host: string; port: number } {
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? address : `grpc://${address}`);
  return { host: url.hostname, port: Number(url.port) };
}
