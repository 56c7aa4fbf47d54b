import type { ReleaseTarget, UpgradeOptions } from '../src/cluster/cluster.port.js';
import { formatCommand } from '../src/cluster/commands.js';
import { DryRunCluster } from '../src/cluster/dry-run-cluster.js';
import type { ValueChange } from '../src/release/release-values.js';

/**
 * A stateful DryRunCluster whose `helm upgrade` fails when its command line matches (the first `times`
 * matches only, when given): the revision is recorded as failed with its values applied, as Helm does
 * when --wait times out, and the next upgrade starts from the revision before it.
 */
export class FailingCluster extends DryRunCluster {
  private failures = 0;

  constructor(
    private readonly failsOn: RegExp,
    private readonly times = Number.POSITIVE_INFINITY,
  ) {
    super();
  }

  /** The helm upgrade and rollback lines run so far, without the dependency builds. */
  get releaseCommands(): string[] {
    return this.commands.map(formatCommand).filter((line) => /^helm (upgrade|rollback)/.test(line));
  }

  override async upgrade(
    target: ReleaseTarget,
    changes: readonly ValueChange[],
    options?: UpgradeOptions,
  ): Promise<void> {
    await super.upgrade(target, changes, options);
    if (this.failures < this.times && this.failsOn.test(this.releaseCommands.at(-1) ?? '')) {
      this.failures++;
      this.markFailed(target);
      throw new Error(
        `helm upgrade failed: Error: UPGRADE FAILED: resource Deployment/${target.namespace}/` +
          `${target.service}-canary not ready. status: InProgress\ncontext deadline exceeded`,
      );
    }
  }
}
