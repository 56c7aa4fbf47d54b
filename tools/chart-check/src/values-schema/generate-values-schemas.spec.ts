import { readFileSync } from 'node:fs';
import {
  chartSchemaPath,
  renderChartSchema,
  schemaForValues,
  serviceCharts,
} from './generate-values-schemas.js';

describe('the generated values schemas', () => {
  it.each(serviceCharts())(
    '%s is up to date with helm/service-values.schema.json (run generate-values-schemas.ts if not)',
    async (chart) => {
      expect(readFileSync(chartSchemaPath(chart), 'utf8')).toBe(await renderChartSchema(chart));
    },
  );
});

describe('schemaForValues', () => {
  const source = {
    type: 'object',
    additionalProperties: false,
    required: ['image', 'gateway'],
    properties: {
      image: { type: 'string' },
      gateway: { 'x-chart-specific': true, type: 'object' },
      traffic: {
        type: 'object',
        properties: {
          stable: { type: 'integer' },
          atIngress: { 'x-chart-specific': true, type: 'boolean' },
        },
      },
    },
  };

  it('keeps a chart-specific property where the values set it, without the marker', () => {
    const schema = schemaForValues(source, { image: 'x', gateway: {}, traffic: { atIngress: false } });
    expect(schema.properties?.gateway).toEqual({ type: 'object' });
    expect(schema.properties?.traffic?.properties).toEqual({
      stable: { type: 'integer' },
      atIngress: { type: 'boolean' },
    });
    expect(schema.required).toEqual(['image', 'gateway']);
  });

  it('drops it (and its requirement) where they do not, at any depth', () => {
    const schema = schemaForValues(source, { image: 'x', traffic: { stable: 100 } });
    expect(Object.keys(schema.properties ?? {})).toEqual(['image', 'traffic']);
    expect(schema.properties?.traffic?.properties).toEqual({ stable: { type: 'integer' } });
    expect(schema.required).toEqual(['image']);
  });
});
