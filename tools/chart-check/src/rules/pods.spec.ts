import { deployment } from './fixtures.testing.js';
import { podsAreHardened } from './pods.js';

describe('podsAreHardened', () => {
  it('accepts a hardened pod', () => {
    expect(podsAreHardened([deployment('stable')])).toEqual([]);
  });

  it.each([
    [
      'an HTTP readiness probe',
      (c: Record<string, unknown>) => (c.readinessProbe = { httpGet: { port: 1 } }),
      'no native gRPC readinessProbe',
    ],
    [
      'no limits',
      (c: Record<string, unknown>) => delete (c.resources as Record<string, unknown>).limits,
      'no cpu/memory limits',
    ],
    [
      'a writable root filesystem',
      (c: Record<string, unknown>) =>
        ((c.securityContext as Record<string, unknown>).readOnlyRootFilesystem = false),
      'root filesystem is writable',
    ],
    [
      'kept capabilities',
      (c: Record<string, unknown>) => ((c.securityContext as Record<string, unknown>).capabilities = {}),
      'capabilities not dropped (ALL)',
    ],
    [
      'no seccomp profile',
      (c: Record<string, unknown>) => delete (c.securityContext as Record<string, unknown>).seccompProfile,
      'seccomp profile is not RuntimeDefault',
    ],
  ])('reports %s', (_what, patch, problem) => {
    expect(podsAreHardened([deployment('stable', patch)])).toEqual([
      `Deployment shop/shop-stable container shop: ${problem}`,
    ]);
  });

  it('reports a missing version label and an unknown track', () => {
    const pod = deployment('blue');
    delete (pod.spec!.template as { metadata: { labels: Record<string, string> } }).metadata.labels.version;
    expect(podsAreHardened([pod])).toEqual([
      'Deployment shop/shop-blue: pod label version missing',
      'Deployment shop/shop-blue: track label is blue, not stable|canary',
    ]);
  });
});
