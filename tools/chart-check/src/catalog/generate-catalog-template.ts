// Writes helm/mesh-service/templates/_catalog.tpl from services/catalog.json, so the charts' callers,
// ports and downstream addresses come from the one catalog. Self-contained (node: imports only) so
// Node 24 runs it directly:  node tools/chart-check/src/catalog/generate-catalog-template.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CatalogService {
  name: string;
  grpcPort: number;
  adminPort: number;
  httpPort?: number;
  api: string;
  proto: string;
  calls: Record<string, string[]>;
}

export interface ChartService extends Omit<CatalogService, 'calls' | 'proto'> {
  /** Downstream service -> methods this service calls on it. */
  calls: Record<string, string[]>;
  /** Caller service -> methods it calls on this service (the AuthorizationPolicy's allow list). */
  callers: Record<string, string[]>;
  /** Callers that also call HEALTH_CHECK_PATH on this service. */
  healthCheckers: string[];
}

/** The standard gRPC health check (grpc.health.v1), served by every service besides its own API. */
export const HEALTH_CHECK_PATH = '/grpc.health.v1.Health/Check';

/**
 * Services that call HEALTH_CHECK_PATH on every service they call: the edge gateway's GET /status reports
 * each downstream's gRPC health (services/edge-gateway/src/http/status.http.controller.ts).
 */
export const HEALTH_CHECKING_CALLERS: readonly string[] = ['edge-gateway'];

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const catalogPath = join(repoRoot, 'services/catalog.json');
export const catalogTemplatePath = join(repoRoot, 'helm/mesh-service/templates/_catalog.tpl');

export function readCatalog(path = catalogPath): CatalogService[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { services: CatalogService[] }).services;
}

/** Inverts "who calls what" so each service knows its callers; rejects calls to unknown services. */
export function toChartServices(services: CatalogService[]): Record<string, ChartService> {
  const byName: Record<string, ChartService> = {};
  for (const { proto: _proto, ...service } of services) {
    byName[service.name] = { ...service, callers: {}, healthCheckers: [] };
  }
  for (const caller of services) {
    for (const [callee, methods] of Object.entries(caller.calls)) {
      const target = byName[callee];
      if (!target) throw new Error(`catalog: ${caller.name} calls unknown service ${callee}`);
      target.callers[caller.name] = [...methods].sort();
      if (HEALTH_CHECKING_CALLERS.includes(caller.name)) target.healthCheckers.push(caller.name);
    }
  }
  return byName;
}

export function renderCatalogTemplate(services: CatalogService[]): string {
  const json = JSON.stringify(
    { healthCheckPath: HEALTH_CHECK_PATH, services: toChartServices(services) },
    null,
    2,
  );
  return `{{/* GENERATED from services/catalog.json by tools/chart-check/src/catalog/generate-catalog-template.ts; do not edit. */}}

{{/*
Every service's ports, API and who calls which of its methods (and its health check), as JSON.
Usage: {{ (include "mesh-service.catalog.services" . | fromJson).services }}
*/}}
{{- define "mesh-service.catalog.services" -}}
${json}
{{- end -}}
`;
}

function main(argv: string[]): void {
  const expected = renderCatalogTemplate(readCatalog());
  if (argv.includes('--check')) {
    const actual = readFileSync(catalogTemplatePath, 'utf8');
    if (actual !== expected) {
      process.stderr.write(`${catalogTemplatePath} is stale; run generate-catalog-template.ts\n`);
      process.exit(1);
    }
    return;
  }
  writeFileSync(catalogTemplatePath, expected);
  process.stdout.write(`wrote ${catalogTemplatePath}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
