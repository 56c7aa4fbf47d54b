// Writes each helm/<service>/values.schema.json from the one source, helm/service-values.schema.json, so
// every chart shares the rules but refuses the keys of the others. Self-contained (no relative imports) so
// Node 24 runs it directly:  node tools/chart-check/src/values-schema/generate-values-schemas.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const valuesSchemaSourcePath = join(root, 'helm/service-values.schema.json');
export const chartSchemaPath = (chart: string): string => join(root, 'helm', chart, 'values.schema.json');

/** The keyword marking a property only the charts whose values.yaml sets it accept. */
const CHART_SPECIFIC = 'x-chart-specific';

type Schema = { [keyword: string]: unknown; properties?: Record<string, Schema>; required?: string[] };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The schema with each chart-specific property kept where `values` (the chart's values.yaml at this
 * level) has the key, and dropped elsewhere, so `additionalProperties: false` refuses it there.
 */
export function schemaForValues(schema: Schema, values: unknown): Schema {
  if (!schema.properties) return schema;
  const properties: Record<string, Schema> = {};
  for (const [key, property] of Object.entries(schema.properties)) {
    const { [CHART_SPECIFIC]: specific, ...rest } = property;
    const own = isObject(values) ? values[key] : undefined;
    if (specific === true && own === undefined) continue;
    properties[key] = schemaForValues(rest, own);
  }
  const required = schema.required?.filter((key) => key in properties);
  return { ...schema, properties, ...(required && { required }) };
}

/** A chart's values.schema.json: the source for its values.yaml, marked as generated, formatted as the repo is. */
export async function renderChartSchema(chart: string): Promise<string> {
  const source = JSON.parse(readFileSync(valuesSchemaSourcePath, 'utf8')) as Schema;
  const values: unknown = parse(readFileSync(join(root, 'helm', chart, 'values.yaml'), 'utf8'));
  const { $schema, ...rest } = schemaForValues(source, values);
  const schema = {
    $schema,
    ...rest,
    title: `iot-mesh ${chart} chart values`,
    $comment: `GENERATED from helm/service-values.schema.json by tools/chart-check/src/values-schema/generate-values-schemas.ts; do not edit.`,
  };
  const path = chartSchemaPath(chart);
  return format(JSON.stringify(schema, null, 2), { ...(await resolveConfig(path)), filepath: path });
}

/** The service charts: one per service of services/catalog.json. */
export function serviceCharts(): string[] {
  const catalog = JSON.parse(readFileSync(join(root, 'services/catalog.json'), 'utf8')) as {
    services: { name: string }[];
  };
  return catalog.services.map((service) => service.name);
}

async function main(argv: string[]): Promise<void> {
  for (const chart of serviceCharts()) {
    const expected = await renderChartSchema(chart);
    const path = chartSchemaPath(chart);
    if (argv.includes('--check')) {
      if (readFileSync(path, 'utf8') !== expected) {
        process.stderr.write(`${path} is stale; run generate-values-schemas.ts\n`);
        process.exitCode = 1;
      }
      continue;
    }
    writeFileSync(path, expected);
    process.stdout.write(`wrote ${path}\n`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
