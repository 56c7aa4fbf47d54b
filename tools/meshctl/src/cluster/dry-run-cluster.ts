import {
  applyChanges,
  CHART_DEFAULTS,
  describeChanges,
  type ValueChange,
} from '../release/release-values.js';
import type { AnalysisRecord, Cluster, ReleaseState, ReleaseTarget } from './cluster.port.js';
import {
  formatCommand,
  recordAnalysisCommand,
  rollbackCommand,
  dependencyBuildCommand,
  upgradeCommand,
  type Command,
} from './commands.js';

/**
 * Keeps releases in memory and records the commands a real cluster would get. The CLI's --dry-run
 * starts it empty and unknowing (it never reads a cluster); tests seed it and let it keep state.
 */
export class DryRunCluster implements Cluster {
  readonly commands: Command[] = [];
  private readonly releases = new Map<string, ReleaseState[]>();

  constructor(
    private readonly print: (line: string) => void = () => undefined,
    readonly knowsState = true,
  ) {}

  readRelease(target: ReleaseTarget): Promise<ReleaseState | undefined> {
    return Promise.resolve(this.releases.get(target.service)?.at(-1));
  }

  upgrade(target: ReleaseTarget, changes: readonly ValueChange[]): Promise<void> {
    const history = this.releases.get(target.service) ?? [];
    const current = history.at(-1);
    this.run(dependencyBuildCommand(target));
    this.run(upgradeCommand(target, changes));
    for (const line of describeChanges(current?.values, changes)) this.print(`  ${line}`);
    // Without state (a CLI dry run) every step starts from "unknown" rather than from invented values.
    if (!this.knowsState) return Promise.resolve();
    const values = applyChanges(current?.values ?? CHART_DEFAULTS, changes);
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

  rollbackRelease(target: ReleaseTarget, revision?: number): Promise<void> {
    this.run(rollbackCommand(target, revision));
    const history = this.releases.get(target.service) ?? [];
    const current = history.at(-1);
    const wanted = revision ?? (current ? current.revision - 1 : 0);
    const restored = history.find((state) => state.revision === wanted);
    if (current && restored) history.push({ ...restored, revision: current.revision + 1 });
    return Promise.resolve();
  }

  recordAnalysis(target: ReleaseTarget, record: AnalysisRecord): Promise<void> {
    this.run(recordAnalysisCommand(target, record));
    const current = this.releases.get(target.service)?.at(-1);
    if (current) current.lastAnalysis = record;
    return Promise.resolve();
  }

  private run(command: Command): void {
    this.commands.push(command);
    this.print(`$ ${formatCommand(command)}`);
  }
}
