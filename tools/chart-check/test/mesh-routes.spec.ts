// The mesh routes' timeouts and retries with the real helm: a slow call must end with its caller's
// deadline (DEADLINE_EXCEEDED), not Envoy's timeout (UNAVAILABLE), and Envoy must not repeat refusals.
import { dependencyBuild, renderObjects } from '../src/helm/helm.js';
import { field, ofKind, type K8sObject } from '../src/manifest.js';
import { longestCallerDeadlines, readCallerDeadlines } from '../src/deadlines/caller-deadlines.js';
import { retriesLeaveRefusalsAndCancels } from '../src/rules/retries.js';
import { routeTimeoutsOutlastCallerDeadlines } from '../src/rules/route-timeouts.js';

const chart = 'device-registry';
const deadlines = longestCallerDeadlines(readCallerDeadlines());

beforeAll(async () => {
  const build = await dependencyBuild(chart);
  if (!build.ok) throw new Error(build.stderr);
}, 60_000);

interface Route {
  name: string;
  timeout?: string;
  retries: { attempts: number; perTryTimeout?: string; retryOn: string };
}
const routes = (objects: K8sObject[]): Route[] =>
  field(ofKind(objects, 'VirtualService')[0], 'spec', 'http') as Route[];

describe(`${chart}'s mesh routes`, () => {
  it("outlast the longest deadline of its callers (the edge gateway's 5 s), each attempt included", async () => {
    expect(deadlines[chart]).toBe(5000);
    const objects = await renderObjects(chart);
    expect(routes(objects).map((route) => [route.name, route.timeout, route.retries.perTryTimeout])).toEqual([
      ['reads', '10s', undefined],
      ['default', '10s', undefined],
    ]);
    expect(routeTimeoutsOutlastCallerDeadlines(objects, deadlines)).toEqual([]);
  });

  it('refuse a per-try timeout within a caller deadline, as the charts had (4s), and take one above it', async () => {
    const short = await renderObjects(chart, { set: { 'routing.perTryTimeout': '4s' } });
    expect(routeTimeoutsOutlastCallerDeadlines(short, deadlines)).toEqual([
      `VirtualService ${chart}/${chart} route reads: perTryTimeout 4s is not above its callers' longest deadline, 5000ms`,
      `VirtualService ${chart}/${chart} route default: perTryTimeout 4s is not above its callers' longest deadline, 5000ms`,
    ]);
    const above = await renderObjects(chart, { set: { 'routing.perTryTimeout': '6s' } });
    expect(routes(above).map((route) => route.retries.perTryTimeout)).toEqual(['6s', '6s']);
    expect(routeTimeoutsOutlastCallerDeadlines(above, deadlines)).toEqual([]);
  });

  it('refuse a route timeout at the deadline', async () => {
    const objects = await renderObjects(chart, { set: { 'routing.timeout': '5000ms' } });
    expect(routeTimeoutsOutlastCallerDeadlines(objects, deadlines)).toHaveLength(2);
  });

  it('retry reads on UNAVAILABLE, never on RESOURCE_EXHAUSTED or CANCELLED', async () => {
    const objects = await renderObjects(chart);
    expect(routes(objects).map((route) => [route.name, route.retries.retryOn])).toEqual([
      ['reads', 'connect-failure,refused-stream,unavailable'],
      ['default', 'connect-failure,refused-stream'],
    ]);
    expect(retriesLeaveRefusalsAndCancels(objects)).toEqual([]);
    const old = await renderObjects(chart, {
      set: {
        'routing.idempotentRetryOn':
          'connect-failure\\,refused-stream\\,unavailable\\,cancelled\\,resource-exhausted',
      },
    });
    expect(retriesLeaveRefusalsAndCancels(old)).toEqual([
      `VirtualService ${chart}/${chart} route reads: retryOn has resource-exhausted, cancelled`,
    ]);
  });
});
