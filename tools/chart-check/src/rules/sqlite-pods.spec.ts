import { deployment, object } from './fixtures.testing.js';
import { sqliteRunsOnePod } from './sqlite-pods.js';

const config = (storage: string) => ({ ...object('ConfigMap', 'shop', {}), data: { STORAGE: storage } });
const recreate = (track: string, replicas?: number) => {
  const workload = deployment(track);
  Object.assign(
    workload.spec ?? {},
    { strategy: { type: 'Recreate' } },
    replicas === undefined ? {} : { replicas },
  );
  return workload;
};
const hpa = (target: string, maxReplicas: number) =>
  object('HorizontalPodAutoscaler', target, { scaleTargetRef: { name: target }, maxReplicas });

describe('sqliteRunsOnePod', () => {
  it('accepts one sqlite pod that is replaced, not rolled', () => {
    expect(sqliteRunsOnePod([config('sqlite'), recreate('stable', 1)])).toEqual([]);
    expect(sqliteRunsOnePod([config('sqlite'), recreate('stable')])).toEqual([]);
  });

  it('reports an HPA, replicas or a canary that let several sqlite pods run', () => {
    expect(sqliteRunsOnePod([config('sqlite'), recreate('stable'), hpa('shop-stable', 10)])).toEqual([
      'SQLite keeps a database in each pod, but up to 10 pods can run (Deployment shop/shop-stable: 10)',
    ]);
    expect(sqliteRunsOnePod([config('sqlite'), recreate('stable', 1), recreate('canary', 1)])).toEqual([
      'SQLite keeps a database in each pod, but up to 2 pods can run (Deployment shop/shop-stable: 1, Deployment shop/shop-canary: 1)',
    ]);
  });

  it('reports a rolling update, where old and new pod overlap', () => {
    expect(sqliteRunsOnePod([config('sqlite'), deployment('stable')])).toEqual([
      'Deployment shop/shop-stable keeps its SQLite database in the pod but rolls out with RollingUpdate: ' +
        'the old and the new pod would answer at once from different data',
    ]);
  });

  it('leaves services on postgres (or without storage) alone', () => {
    expect(sqliteRunsOnePod([config('postgres'), deployment('stable'), hpa('shop-stable', 10)])).toEqual([]);
    expect(sqliteRunsOnePod([deployment('stable'), deployment('canary')])).toEqual([]);
  });
});
