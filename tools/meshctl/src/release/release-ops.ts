import type { Cluster, ReleaseState, ReleaseTarget } from '../cluster/cluster.port.js';
import { checkWeights, UsageError } from './validation.js';

/** A release step that cannot run in the state the release is in (exit 1, not a usage error). */
export class ReleaseStateError extends Error {
  override readonly name = 'ReleaseStateError';
}

/** Each operation is one or two helm upgrades; the chart does the rest (contract values only). */
export class ReleaseOps {
  constructor(
    private readonly cluster: Cluster,
    private readonly target: ReleaseTarget,
  ) {}

  async deploy(tag: string): Promise<void> {
    await this.cluster.upgrade(this.target, [{ key: 'stable.image.tag', value: tag }]);
  }

  async startCanary(tag: string, weight: number): Promise<void> {
    const state = await this.state();
    if (this.cluster.knowsState && !state) throw this.notInstalled();
    await this.cluster.upgrade(this.target, [
      { key: 'canary.enabled', value: true },
      { key: 'canary.image.tag', value: tag },
      { key: 'traffic.stable', value: 100 - weight },
      { key: 'traffic.canary', value: weight },
    ]);
  }

  async setWeights(stable: number, canary: number): Promise<void> {
    checkWeights(stable, canary);
    const state = await this.state();
    if (this.cluster.knowsState) {
      if (!state) throw this.notInstalled();
      if (canary > 0 && !state.values.canaryEnabled) {
        throw new ReleaseStateError(
          `${this.target.service} has no canary running: start one with "meshctl canary start" first`,
        );
      }
    }
    await this.cluster.upgrade(this.target, [
      { key: 'traffic.stable', value: stable },
      { key: 'traffic.canary', value: canary },
    ]);
  }

  /**
   * Two upgrades: the stable track first rolls to the canary's tag while the split still holds, then
   * traffic goes back to 100/0 and the canary track is removed, so no request meets a missing subset.
   */
  async promote(expectedTag?: string): Promise<string> {
    const state = await this.state();
    const running = state?.values.canaryEnabled ? state.values.canaryTag : undefined;
    if (this.cluster.knowsState && !running) {
      throw new ReleaseStateError(`${this.target.service} has no canary to promote`);
    }
    if (running && expectedTag && running !== expectedTag) {
      throw new ReleaseStateError(`the running canary is ${running}, not ${expectedTag}: not promoting`);
    }
    const tag = running ?? expectedTag;
    if (!tag) throw new UsageError('a dry run does not read the cluster: pass --canary-tag to promote');
    await this.cluster.upgrade(this.target, [{ key: 'stable.image.tag', value: tag }]);
    await this.removeCanary();
    return tag;
  }

  /** All traffic back to stable first, then the canary track goes. */
  async rollback(): Promise<void> {
    const state = await this.state();
    if (this.cluster.knowsState && !state) throw this.notInstalled();
    await this.cluster.upgrade(this.target, [
      { key: 'traffic.stable', value: 100 },
      { key: 'traffic.canary', value: 0 },
    ]);
    await this.cluster.upgrade(this.target, [
      { key: 'canary.enabled', value: false },
      { key: 'canary.image.tag', value: '' },
    ]);
  }

  async rollbackRelease(revision?: number): Promise<void> {
    const state = await this.state();
    if (this.cluster.knowsState) {
      if (!state) throw this.notInstalled();
      if (revision === undefined && state.revision <= 1) {
        throw new ReleaseStateError(`${this.target.service} is at revision 1: there is no previous revision`);
      }
    }
    await this.cluster.rollbackRelease(this.target, revision);
  }

  state(): Promise<ReleaseState | undefined> {
    return this.cluster.readRelease(this.target);
  }

  private async removeCanary(): Promise<void> {
    await this.cluster.upgrade(this.target, [
      { key: 'traffic.stable', value: 100 },
      { key: 'traffic.canary', value: 0 },
      { key: 'canary.enabled', value: false },
      { key: 'canary.image.tag', value: '' },
    ]);
  }

  private notInstalled(): ReleaseStateError {
    return new ReleaseStateError(
      `${this.target.service} is not installed in namespace ${this.target.namespace}: run "meshctl deploy" first`,
    );
  }
}
