import type { Cluster, ReleaseState, ReleaseTarget } from '../cluster/cluster.port.js';
import { canaryStartRefusal, canaryWeightRefusal, hasCanary } from './canary-state.js';
import { historyHint, revisionWithStable } from './release-history.js';
import { ReleaseStateError } from './release-state-error.js';
import { missingSecretsRefusal } from './required-secrets.js';
import type { ValueChange } from './release-values.js';
import { checkWeights, UsageError } from './validation.js';

export { ReleaseStateError } from './release-state-error.js';

/** Where `release rollback` goes: a revision number, or the last revision that ran a stable tag. */
export type RollbackTarget = { revision: number } | { toTag: string };

const weights = (stable: number, canary: number): ValueChange[] => [
  { key: 'traffic.stable', value: stable },
  { key: 'traffic.canary', value: canary },
];

/** Every request on stable: the weights, and `x-canary: always` too, before a canary's pods may go. */
const ALL_TO_STABLE: ValueChange[] = [...weights(100, 0), { key: 'canary.headerRoute', value: false }];

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Each operation is a few helm upgrades; the chart does the rest (contract values only). */
export class ReleaseOps {
  constructor(
    private readonly cluster: Cluster,
    private readonly target: ReleaseTarget,
  ) {}

  /** valuesFile: an environment's values (database, autoscaling); later steps reuse them with the release's. */
  async deploy(tag: string, valuesFile?: string): Promise<void> {
    const changes: ValueChange[] = [{ key: 'stable.image.tag', value: tag }];
    if (this.cluster.knowsState) {
      // A chart that refuses the values says so in the upgrade below, in the upgrade's words.
      const manifest = await this.cluster.render(this.target, changes, { valuesFile }).catch(() => '');
      const refusal = await missingSecretsRefusal(this.cluster, this.target, manifest);
      if (refusal) throw new ReleaseStateError(refusal);
    }
    await this.cluster.upgrade(this.target, changes, { valuesFile });
  }

  /**
   * The canary is created with no traffic, not even `x-canary: always`, and waited for; only then does it
   * get its header route and weight, so a canary whose pods never get ready never gets a request. Any
   * failure after that removes it again.
   */
  async startCanary(tag: string, weight: number, replace = false): Promise<void> {
    const state = await this.state();
    if (this.cluster.knowsState) {
      if (!state) throw this.notInstalled();
      const refusal = canaryStartRefusal(this.target.service, state, tag, replace);
      if (refusal) throw new ReleaseStateError(refusal);
      if (hasCanary(state)) await this.rollback();
    }
    try {
      await this.cluster.upgrade(this.target, [
        { key: 'canary.enabled', value: true },
        { key: 'canary.image.tag', value: tag },
        ...ALL_TO_STABLE,
      ]);
      await this.cluster.upgrade(this.target, [
        { key: 'canary.headerRoute', value: true },
        ...weights(100 - weight, weight),
      ]);
    } catch (error) {
      await this.rollbackAfter(error);
    }
  }

  async setWeights(stable: number, canary: number): Promise<void> {
    checkWeights(stable, canary);
    const state = await this.state();
    if (this.cluster.knowsState) {
      if (!state) throw this.notInstalled();
      const refusal = canaryWeightRefusal(this.target.service, state, canary);
      if (refusal) throw new ReleaseStateError(refusal);
    }
    // Routing only, so without --wait: a wait that times out on an unready canary would leave a failed
    // revision, and the next upgrade would start from the one before it and put the old weights back.
    await this.cluster.upgrade(this.target, weights(stable, canary), { wait: false });
  }

  /**
   * Three upgrades: stable rolls to the canary's tag (and is waited for) while the split still holds,
   * then all traffic goes to stable, then the canary track goes: no request meets an unready track.
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
    await this.routeAllToStable();
    await this.removeCanary();
    return tag;
  }

  /**
   * All traffic back to stable, then the canary track goes. False when there was no canary (nothing
   * changed). With expectedTag, refuses to roll back another tag's canary.
   */
  async rollback(expectedTag?: string): Promise<boolean> {
    const state = await this.state();
    if (this.cluster.knowsState) {
      if (!state) throw this.notInstalled();
      if (!hasCanary(state)) return false;
      const running = state.values.canaryTag;
      if (expectedTag && running && running !== expectedTag) {
        throw new ReleaseStateError(`the running canary is ${running}, not ${expectedTag}: not rolling back`);
      }
    }
    await this.routeAllToStable();
    await this.removeCanary();
    return true;
  }

  /**
   * Stable back to `tag` with all traffic, then the canary goes: undoes a promotion that failed part-way
   * (stable may already run the canary's tag, and the canary track may be gone or not).
   */
  async restoreStable(tag: string): Promise<void> {
    await this.cluster.upgrade(this.target, [{ key: 'stable.image.tag', value: tag }, ...ALL_TO_STABLE], {
      wait: false,
    });
    await this.removeCanary();
  }

  /** Rolls back after a failed start and reports both. */
  private async rollbackAfter(error: unknown): Promise<never> {
    try {
      await this.rollback();
    } catch (cleanup) {
      throw new Error(
        `${message(error)}\nthe rollback failed too: ${message(cleanup)}\n` +
          `run "meshctl canary rollback ${this.target.service}"`,
        { cause: cleanup },
      );
    }
    throw new Error(`${message(error)}\nrolled back: all traffic on stable, canary removed`, {
      cause: error,
    });
  }

  /** helm rollback to an explicit revision; returns it. */
  async rollbackRelease(to: RollbackTarget): Promise<number> {
    const state = await this.state();
    if (this.cluster.knowsState && !state) throw this.notInstalled();
    const revision =
      'revision' in to ? to.revision : await revisionWithStable(this.cluster, this.target, to.toTag);
    if (state && revision >= state.revision) {
      throw new ReleaseStateError(
        `${this.target.service} is at revision ${state.revision}: name an earlier one (${historyHint(this.target)})`,
      );
    }
    await this.cluster.rollbackRelease(this.target, revision);
    return revision;
  }

  state(): Promise<ReleaseState | undefined> {
    return this.cluster.readRelease(this.target);
  }

  /** Without --wait: it only changes routing, and --wait would also wait for an unready canary. */
  private routeAllToStable(): Promise<void> {
    return this.cluster.upgrade(this.target, ALL_TO_STABLE, { wait: false });
  }

  /** The canary track goes, and its header route is back at the chart's default for the next one. */
  private removeCanary(): Promise<void> {
    return this.cluster.upgrade(this.target, [
      { key: 'canary.enabled', value: false },
      { key: 'canary.image.tag', value: '' },
      { key: 'canary.headerRoute', value: true },
    ]);
  }

  private notInstalled(): ReleaseStateError {
    return new ReleaseStateError(
      `${this.target.service} is not installed in namespace ${this.target.namespace}: run "meshctl deploy" first`,
    );
  }
}
