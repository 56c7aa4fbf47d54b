import { readdirSync } from 'node:fs';
import { z } from 'zod';
import { metricNames } from './promql.js';
import { readRepoFile, repoPath } from './repo.js';

/** The dashboards as code: shared with the cluster's Grafana, and the compose stack's own. */
export const DASHBOARD_DIRS = ['istio/dashboards', 'deploy/compose/grafana/dashboards'];

const target = z.object({
  expr: z.string(),
  legendFormat: z.string().optional(),
  datasource: z.object({ uid: z.string() }).optional(),
});
const panel = z.object({
  title: z.string(),
  fieldConfig: z.object({ defaults: z.object({ unit: z.string().optional() }) }).optional(),
  targets: z.array(target).default([]),
});
const dashboardSchema = z.object({
  title: z.string(),
  description: z.string().optional(),
  panels: z.array(panel),
  templating: z
    .object({
      list: z.array(
        z.object({
          name: z.string(),
          definition: z.string().optional(),
          query: z.union([z.string(), z.object({ query: z.string() })]).optional(),
        }),
      ),
    })
    .optional(),
});

export type DashboardPanel = z.output<typeof panel>;
export type Dashboard = z.output<typeof dashboardSchema> & { path: string };

/** The dashboards (*.json) of a folder of the repo. */
export function readDashboards(dir: string): Dashboard[] {
  return readdirSync(repoPath(dir))
    .filter((file) => file.endsWith('.json'))
    .map((file) => ({
      path: `${dir}/${file}`,
      ...dashboardSchema.parse(JSON.parse(readRepoFile(`${dir}/${file}`)) as unknown),
    }));
}

const LABEL_VALUES = /^label_values\((.*),\s*(\w+)\)$/;

/** Every PromQL expression of a dashboard: its panels' and its variables' (Grafana's label_values(metric, label)). */
export function dashboardExpressions(dashboard: Dashboard): string[] {
  return [
    ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
    ...(dashboard.templating?.list ?? []).flatMap((v) => v.definition?.replace(LABEL_VALUES, '$1') ?? []),
  ];
}

/** A dashboard variable filled by Grafana's `label_values(match, label)`. */
export interface LabelValuesVariable {
  where: string;
  match: string;
  label: string;
  /** The query Grafana runs, which the definition only describes. */
  query: string;
}

/** The variables of a dashboard that Grafana fills with label_values(...). */
export function labelValuesVariables(dashboard: Dashboard): LabelValuesVariable[] {
  return (dashboard.templating?.list ?? []).flatMap(({ name, definition = '', query }) => {
    const [, match = '', label = ''] = LABEL_VALUES.exec(definition) ?? [];
    const text = typeof query === 'string' ? query : (query?.query ?? '');
    return match ? [{ where: `${dashboard.path} $${name}`, match, label, query: text }] : [];
  });
}

/**
 * Whether a query has data only in the cluster: the docker-compose stack runs no Istio sidecars, and
 * its scrape gives no `track` label (the cluster's pod scrape copies it from the canary and stable pods).
 */
export const needsCluster = (expr: string) =>
  metricNames(expr).some((name) => name.startsWith('istio_')) || /[{,]\s*track\s*=/.test(expr);

/** The panels of a dashboard that are empty in the docker-compose stack, every query needing the cluster. */
export const clusterOnlyPanels = (dashboard: Dashboard) =>
  dashboard.panels.filter((p) => p.targets.length > 0 && p.targets.every((t) => needsCluster(t.expr)));

const RATE_UNITS = ['reqps', 'ops', 'rps', 'wps'];
const RATIO_UNITS = ['percentunit', 'percent'];
const withoutStrings = (expr: string) => expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
const isRatio = (expr: string) => withoutStrings(expr).includes('/');
/** A recorded ratio (`service:grpc_errors:ratio_rate5m`), 0 rather than absent for a service that does well. */
const readsRecordedRatio = (expr: string) => /\b[a-z_]+:[a-z_]+:ratio_\w+/.test(expr);
const isRate = (expr: string) => /\b(i?rate|increase)\(/.test(expr) && !/histogram_quantile\(/.test(expr);

/**
 * What would make a panel mislead: a ratio of counters that shows no data instead of 0 for a service
 * without failures (a numerator of no series needs `or 0 * <denominator>`, as the recording rules
 * have), and per-second rates shown with a unit that is not one.
 */
export function panelProblems(dashboard: Dashboard): string[] {
  return dashboard.panels.flatMap(({ title, fieldConfig, targets }) => {
    const where = `${dashboard.path} "${title}"`;
    const unit = fieldConfig?.defaults.unit ?? '';
    const exprs = targets.map((t) => t.expr);
    return [
      ...exprs
        .filter((expr) => RATIO_UNITS.includes(unit) && isRatio(expr) && !readsRecordedRatio(expr))
        .filter((expr) => !/\bor\s+0\s*\*/.test(expr))
        .map((expr) => `${where}: no series, not 0, where nothing failed: ${expr}`),
      ...(exprs.length > 0 &&
      exprs.every((expr) => isRate(expr) && !isRatio(expr)) &&
      !RATE_UNITS.includes(unit)
        ? [`${where}: rates per second shown in unit "${unit}"`]
        : []),
    ];
  });
}
