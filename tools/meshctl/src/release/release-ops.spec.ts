import type { ReleaseTarget } from '../cluster/cluster.port.js';
import { FailingCluster } from '../../test/failing-cluster.js';
import { ReleaseOps, ReleaseStateError } from './release-ops.js';

const target: ReleaseTarget = {
  service: 'notification',
  namespace: 'notification',
  chart: 'helm/notification',
};
const UPGRADE =
  'helm upgrade --install notification helm/notification --namespace notification --reset-then-reuse-values';
const WAIT = '--wait --timeout 10m';
const NO_WAIT = '--timeout 10m';
// The canary comes without even its header route, which it gets with its weight once ready.
const CREATE = (tag: string) =>
  `${UPGRADE} --set canary.enabled=true --set-string canary.image.tag=${tag} ` +
  `--set traffic.stable=100 --set traffic.canary=0 --set canary.headerRoute=false ${WAIT}`;
const ROUTED = (stable: number, canary: number) =>
  `${UPGRADE} --set canary.headerRoute=true --set traffic.stable=${stable} --set traffic.canary=${canary} ${WAIT}`;
const WEIGHTS = (stable: number, canary: number, wait = WAIT) =>
  `${UPGRADE} --set traffic.stable=${stable} --set traffic.canary=${canary} ${wait}`;
// Header requests leave the canary with the weight, before its pods go.
const ALL_TO_STABLE = `${UPGRADE} --set traffic.stable=100 --set traffic.canary=0 --set canary.headerRoute=false ${NO_WAIT}`;
const REMOVE = `${UPGRADE} --set canary.enabled=false --set-string canary.image.tag= --set canary.headerRoute=true ${WAIT}`;

/** A release at stable v1 (revision 1) on a cluster whose upgrades matching failsOn fail. */
async function release(failsOn = /$^/) {
  const cluster = new FailingCluster(failsOn);
  const ops = new ReleaseOps(cluster, target);
  await ops.deploy('v1');
  const since = cluster.releaseCommands.length;
  return { cluster, ops, commands: () => cluster.releaseCommands.slice(since) };
}

describe('canary start', () => {
  it('creates the canary at weight 0 and waits for it, then shifts the weight in a second upgrade', async () => {
    const { ops, commands } = await release();
    await ops.startCanary('v2', 10);
    expect(commands()).toEqual([CREATE('v2'), ROUTED(90, 10)]);
    expect((await ops.state())?.values).toMatchObject({
      canaryTag: 'v2',
      stableWeight: 90,
      canaryWeight: 10,
    });
  });

  it('gives a canary started at weight 0 its header route once it is ready', async () => {
    const { ops, commands } = await release();
    await ops.startCanary('v2', 0);
    expect(commands()).toEqual([CREATE('v2'), ROUTED(100, 0)]);
    expect((await ops.state())?.values).toMatchObject({ canaryHeaderRoute: true, canaryWeight: 0 });
  });

  it('rolls back a canary that never gets ready: no request ever went to it', async () => {
    const { ops, commands } = await release(/canary.image.tag=v2-broken/);
    await expect(ops.startCanary('v2-broken', 10)).rejects.toThrow(
      /not ready[\s\S]*context deadline exceeded\nrolled back: all traffic on stable, canary removed$/,
    );
    // The traffic step does not wait: Helm's --wait would wait for the canary that never gets ready.
    expect(commands()).toEqual([CREATE('v2-broken'), ALL_TO_STABLE, REMOVE]);
    expect((await ops.state())?.values).toMatchObject({
      canaryEnabled: false,
      canaryHeaderRoute: true,
      stableWeight: 100,
      canaryWeight: 0,
    });
  });

  it('rolls back when the weight step fails', async () => {
    const { ops, commands } = await release(/traffic.canary=25 /);
    await expect(ops.startCanary('v2', 25)).rejects.toThrow(/rolled back/);
    expect(commands()).toEqual([CREATE('v2'), ROUTED(75, 25), ALL_TO_STABLE, REMOVE]);
  });

  it("refuses stable's own tag and a second canary, changing nothing", async () => {
    const { ops, commands } = await release();
    await expect(ops.startCanary('v1', 10)).rejects.toThrow("v1 is already notification's stable tag");
    await ops.startCanary('v2', 10);
    const before = commands().length;
    await expect(ops.startCanary('v3', 10)).rejects.toThrow(
      'notification already has canary v2 at 10%: run "meshctl canary rollback notification" first (or pass --replace)',
    );
    await expect(ops.startCanary('v3', 10)).rejects.toBeInstanceOf(ReleaseStateError);
    expect(commands()).toHaveLength(before);
  });

  it('with replace, rolls the running canary back before starting the new one', async () => {
    const { ops, commands } = await release();
    await ops.startCanary('v2', 10);
    await ops.startCanary('v3', 20, true);
    expect(commands().slice(2)).toEqual([ALL_TO_STABLE, REMOVE, CREATE('v3'), ROUTED(80, 20)]);
  });
});

describe('canary weight', () => {
  it('shifts traffic without --wait, so a canary that is not ready cannot leave a failed revision', async () => {
    const { ops, commands } = await release();
    await ops.startCanary('v2', 25);
    await ops.setWeights(100, 0);
    expect(commands().at(-1)).toBe(WEIGHTS(100, 0, NO_WAIT));
  });

  it('the next upgrade keeps the new weights, even when that upgrade times out on the unready canary', async () => {
    // Helm starts an upgrade from the last deployed revision: a weight step whose --wait had timed out
    // would be skipped, and the deploy after it would put 75/25 back.
    const unreadyCanary =
      /reuse-values --set traffic.stable=100 --set traffic.canary=0 --wait|stable.image.tag=v1.0.1 /;
    const { ops } = await release(unreadyCanary);
    await ops.startCanary('v2', 25);
    await ops.setWeights(100, 0);
    await expect(ops.deploy('v1.0.1')).rejects.toThrow(/context deadline exceeded/);
    expect((await ops.state())?.values).toMatchObject({
      stableTag: 'v1.0.1',
      stableWeight: 100,
      canaryWeight: 0,
    });
  });
});

describe('canary rollback and promote', () => {
  it('rollback: traffic first without waiting, then the canary goes; nothing to do without a canary', async () => {
    const { ops, commands } = await release();
    expect(await ops.rollback()).toBe(false);
    expect(commands()).toEqual([]);
    await ops.startCanary('v2', 10);
    await expect(ops.rollback('v3')).rejects.toThrow('the running canary is v2, not v3: not rolling back');
    expect(await ops.rollback('v2')).toBe(true);
    expect(commands().slice(2)).toEqual([ALL_TO_STABLE, REMOVE]);
  });

  it('promote: stable takes the tag and is waited for, then 100/0, then the canary goes', async () => {
    const { ops, commands } = await release();
    await ops.startCanary('v2', 50);
    expect(await ops.promote('v2')).toBe('v2');
    expect(commands().slice(2)).toEqual([
      `${UPGRADE} --set-string stable.image.tag=v2 ${WAIT}`,
      ALL_TO_STABLE,
      REMOVE,
    ]);
    expect((await ops.state())?.values).toEqual({
      stableTag: 'v2',
      canaryEnabled: false,
      canaryTag: '',
      canaryHeaderRoute: true,
      stableWeight: 100,
      canaryWeight: 0,
    });
  });
});

describe('release rollback', () => {
  it('goes to an explicit revision, or to the last one that ran a stable tag with no canary', async () => {
    const { cluster, ops, commands } = await release();
    await ops.startCanary('v2', 10); // revisions 2 and 3
    await ops.promote(); // 4, 5, 6
    expect(await ops.rollbackRelease({ toTag: 'v1' })).toBe(1);
    expect(commands().at(-1)).toBe(
      'helm rollback notification 1 --namespace notification --wait --timeout 10m',
    );
    expect((await ops.state())?.values).toMatchObject({ stableTag: 'v1', canaryEnabled: false });
    // Revision 7 (the rollback) is current; v2 was stable without a canary at 6.
    expect(await ops.rollbackRelease({ toTag: 'v2' })).toBe(6);
    await expect(ops.rollbackRelease({ toTag: 'v9' })).rejects.toThrow(
      /no earlier revision of notification ran stable v9 without a canary: find it with "helm history notification --namespace notification"/,
    );
    await expect(ops.rollbackRelease({ revision: 8 })).rejects.toThrow(
      /is at revision 8: name an earlier one/,
    );
    expect(cluster.releaseCommands.filter((c) => c.startsWith('helm rollback'))).toHaveLength(2);
  });

  it('--to-tag skips revisions whose upgrade failed', async () => {
    const { ops } = await release(/stable.image.tag=v2 /);
    await expect(ops.deploy('v2')).rejects.toThrow(/UPGRADE FAILED/); // revision 2, failed, stable v2
    await ops.deploy('v3'); // 3
    await expect(ops.rollbackRelease({ toTag: 'v2' })).rejects.toThrow(/no earlier revision/);
    expect(await ops.rollbackRelease({ toTag: 'v1' })).toBe(1);
  });
});
