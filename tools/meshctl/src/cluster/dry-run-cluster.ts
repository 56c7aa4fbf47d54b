import {
  applyChanges,
  CHART_DEFAULTS,
  describeChanges,
  toHelmValues,
  type ReleaseValues,
  type ValueChange,
} from '../release/release-values.js';
import type {
  AnalysisRecord,
  Cluster,
  ReleaseState,
  ReleaseTarget,
  RenderOptions,
  RevisionInfo,
  UpgradeOptions,
} from './cluster.port.js';
import {
  formatCommand,
  recordAnalysisCommand,
  rollbackCommand,
  secretCommand,
  dependencyBuildCommand,
  templateCommand,
  upgradeCommand,
  type Command,
} from './commands.js';

/**
 * Keeps releases in memory and records the commands a real cluster would get. The --dry-run of a
 * command that reads no cluster (cli/command-options.ts) starts it empty and unknowing; tests seed it
 * and let it keep state.
 */
export class DryRunCluster implements Cluster {
  readonly commands: Command[] = [];
  private readonly releases = new Map<string, ReleaseState[]>();
  /** "service#revision" of revisions whose upgrade failed (tests mark them with markFailed). */
  private readonly failed = new Set<string>();

  constructor(
    private readonly print: (line: string) => void = () => undefined,
    readonly knowsState = true,
  ) {}

  readRelease(target: ReleaseTarget): Promise<ReleaseState | undefined> {
    return Promise.resolve(this.releases.get(target.service)?.at(-1));
  }

  upgrade(target: ReleaseTarget, changes: readonly ValueChange[], options?: UpgradeOptions): Promise<void> {
    const history = this.releases.get(target.service) ?? [];
    const current = history.at(-1);
    this.run(dependencyBuildCommand(target));
    this.run(upgradeCommand(target, changes, options));
    for (const line of describeChanges(current?.values, changes)) this.print(`  ${line}`);
    // Without state (a CLI dry run) every step starts from "unknown" rather than from invented values.
    if (!this.knowsState) return Promise.resolve();
    // As Helm does: the values of the last deployed revision, not of a failed one after it.
    const base = this.lastDeployed(target)?.values ?? CHART_DEFAULTS;
    const values = applyChanges(base, changes);
    history.push({
      revision: (current?.revision ?? 0) + 1,
      values,
      replicas: {
        stable: { ready: 2, desired: 2 },
        ...(values.canaryEnabled ? { canary: { ready: 1, desired: 1 } } : {}),
      },
      ...(current?.lastAnalysis ? { lastAnalysis: current.lastAnalysis } : {}),
    });
    this.releases.set(target.service, history);
    return Promise.resolve();
  }

  /** Records the command and renders nothing: no manifest, so no Secret to look for. */
  render(target: ReleaseTarget, changes: readonly ValueChange[], options?: RenderOptions): Promise<string> {
    const base = this.lastDeployed(target)?.values;
    this.run(dependencyBuildCommand(target));
    this.run(templateCommand(target, changes, JSON.stringify(base ? toHelmValues(base) : {}), options));
    return Promise.resolve('');
  }

  missingSecrets(target: ReleaseTarget, names: readonly string[]): Promise<string[]> {
    for (const name of names) this.run(secretCommand(target, name));
    return Promise.resolve([]);
  }

  rollbackRelease(target: ReleaseTarget, revision: number): Promise<void> {
    this.run(rollbackCommand(target, revision));
    const history = this.releases.get(target.service) ?? [];
    const current = history.at(-1);
    const restored = history.find((state) => state.revision === revision);
    if (current && restored) history.push({ ...restored, revision: current.revision + 1 });
    return Promise.resolve();
  }

  /** As helm history: a failed upgrade leaves the revision before it deployed. */
  listRevisions(target: ReleaseTarget): Promise<RevisionInfo[]> {
    const deployed = this.lastDeployed(target)?.revision;
    return Promise.resolve(
      (this.releases.get(target.service) ?? []).map(({ revision }) => ({
        revision,
        status: this.isFailed(target, revision)
          ? 'failed'
          : revision === deployed
            ? 'deployed'
            : 'superseded',
      })),
    );
  }

  valuesAt(target: ReleaseTarget, revision: number): Promise<ReleaseValues> {
    const found = this.releases.get(target.service)?.find((state) => state.revision === revision);
    return found
      ? Promise.resolve(found.values)
      : Promise.reject(new Error(`helm get failed: release: not found (revision ${revision})`));
  }

  recordAnalysis(target: ReleaseTarget, record: AnalysisRecord): Promise<void> {
    this.run(recordAnalysisCommand(target, record));
    const current = this.releases.get(target.service)?.at(-1);
    if (current) current.lastAnalysis = record;
    return Promise.resolve();
  }

  /** Marks the latest revision as a failed upgrade, as Helm records one whose --wait timed out. */
  markFailed(target: ReleaseTarget): void {
    const current = this.releases.get(target.service)?.at(-1);
    if (current) this.failed.add(`${target.service}#${current.revision}`);
  }

  private isFailed(target: ReleaseTarget, revision: number): boolean {
    return this.failed.has(`${target.service}#${revision}`);
  }

  /** The newest revision whose upgrade did not fail: the one Helm's next upgrade starts from. */
  private lastDeployed(target: ReleaseTarget): ReleaseState | undefined {
    return (this.releases.get(target.service) ?? []).findLast(
      (state) => !this.isFailed(target, state.revision),
    );
  }

  private run(command: Command): void {
    this.commands.push(command);
    this.print(`$ ${formatCommand(command)}`);
  }
}
