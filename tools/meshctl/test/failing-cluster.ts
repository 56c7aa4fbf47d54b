import type { ReleaseTarget, UpgradeOptions } from '../src/cluster/cluster.port.js';
import { formatCommand } from '../src/cluster/commands.js';
import { DryRunCluster } from '../src/cluster/dry-run-cluster.js';
import type { ValueChange } from '../src/release/release-values.js';

/**
 * A stateful DryRunCluster whose `helm upgrade` fails when its command line matches: the revision is
 * recorded as failed with its values applied, as Helm does when --wait times out.
 */
export class FailingCluster extends DryRunCluster {
  constructor(private readonly failsOn: RegExp) {
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
    if (this.failsOn.test(this.releaseCommands.at(-1) ?? '')) {
      this.markFailed(target);
      throw new Error(
        `helm upgrade failed: Error: UPGRADE FAILED: resource Deployment/${target.namespace}/` +
          `${target.service}-canary not ready. status: InProgress\ncontext deadline exceeded`,
      );
    }
  }
}
