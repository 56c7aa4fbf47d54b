import { readFileSync } from 'node:fs';
import {
  catalogTemplatePath,
  readCatalog,
  renderCatalogTemplate,
  toChartServices,
} from './generate-catalog-template.js';

describe('the generated catalog template', () => {
  it('is up to date with services/catalog.json (run generate-catalog-template.ts if not)', () => {
    expect(readFileSync(catalogTemplatePath, 'utf8')).toBe(renderCatalogTemplate(readCatalog()));
  });
});

describe('toChartServices', () => {
  const service = (name: string, calls: Record<string, string[]>) => ({
    name,
    grpcPort: 1,
    adminPort: 2,
    api: `pkg.${name}`,
    proto: 'x.proto',
    calls,
  });

  it('turns "who calls what" into each service’s callers', () => {
    const services = toChartServices([service('a', {}), service('b', { a: ['Put', 'Get'] })]);
    expect(services.a.callers).toEqual({ b: ['Get', 'Put'] });
    expect(services.b.callers).toEqual({});
  });

  it('lists the edge gateway as a health checker of every service it calls, and no one else', () => {
    const services = toChartServices([
      service('a', {}),
      service('b', { a: ['Get'] }),
      service('edge-gateway', { a: ['Get'], b: ['Get'] }),
    ]);
    expect([services.a.healthCheckers, services.b.healthCheckers]).toEqual([
      ['edge-gateway'],
      ['edge-gateway'],
    ]);
    expect(services['edge-gateway'].healthCheckers).toEqual([]);
  });

  it('rejects a call to a service the catalog does not list', () => {
    expect(() => toChartServices([service('b', { ghost: ['Get'] })])).toThrow(
      'b calls unknown service ghost',
    );
  });
});
