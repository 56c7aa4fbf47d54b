import { execFile } from 'node:child_process';
import { valuesFromHelm, type ReleaseValues, type ValueChange } from '../release/release-values.js';
import type {
  AnalysisRecord,
  Cluster,
  ReleaseState,
  ReleaseTarget,
  RenderOptions,
  RevisionInfo,
  TrackReplicas,
  UpgradeOptions,
} from './cluster.port.js';
import {
  deploymentsCommand,
  formatCommand,
  getAnalysisCommand,
  getValuesCommand,
  historyCommand,
  recordAnalysisCommand,
  rollbackCommand,
  secretCommand,
  statusCommand,
  dependencyBuildCommand,
  templateCommand,
  upgradeCommand,
  type Command,
} from './commands.js';

export interface HelmClusterOptions {
  /** The repo root: chart paths are relative to it. */
  cwd: string;
  helm: string;
  kubectl: string;
  log: (line: string) => void;
  /**
   * The dry run of a command that reads the release (status, release check, release rollback): every
   * command is logged, only those that read are run.
   */
  dryRun?: boolean;
}

/** Runs helm and kubectl without a shell (execFile), so no argument is ever interpreted. */
export class HelmCluster implements Cluster {
  readonly knowsState = true;
  /** Charts whose library dependency this process built: deploy renders, then upgrades the same chart. */
  private readonly builtCharts = new Set<string>();

  constructor(private readonly options: HelmClusterOptions) {}

  async readRelease(target: ReleaseTarget): Promise<ReleaseState | undefined> {
    const status = await this.unlessNotFound(
      async () => JSON.parse(await this.run(statusCommand(target))) as { version?: number },
    );
    if (!status) return undefined;
    const values = valuesFromHelm(JSON.parse(await this.run(getValuesCommand(target))));
    const deployments = JSON.parse(await this.run(deploymentsCommand(target))) as {
      items: { metadata: { name: string }; status?: { readyReplicas?: number; replicas?: number } }[];
    };
    const replicasOf = (name: string): TrackReplicas | undefined => {
      const found = deployments.items.find((item) => item.metadata.name === name);
      return found && { ready: found.status?.readyReplicas ?? 0, desired: found.status?.replicas ?? 0 };
    };
    const stable = replicasOf(`${target.service}-stable`);
    const canary = replicasOf(`${target.service}-canary`);
    const configMap = (await this.run(getAnalysisCommand(target))).trim();
    const analysis = configMap
      ? (JSON.parse(configMap) as { data?: Record<string, string> }).data?.['analysis.json']
      : undefined;
    return {
      revision: status.version ?? 0,
      values,
      replicas: { ...(stable ? { stable } : {}), ...(canary ? { canary } : {}) },
      ...(analysis ? { lastAnalysis: JSON.parse(analysis) as AnalysisRecord } : {}),
    };
  }

  async upgrade(
    target: ReleaseTarget,
    changes: readonly ValueChange[],
    options?: UpgradeOptions,
  ): Promise<void> {
    await this.buildDependencies(target, true);
    await this.run(upgradeCommand(target, changes, options), true);
  }

  async render(
    target: ReleaseTarget,
    changes: readonly ValueChange[],
    options?: RenderOptions,
  ): Promise<string> {
    // What --reset-then-reuse-values starts from: the values set on the last deployed revision.
    const deployed = (await this.listRevisions(target)).findLast(({ status }) => status === 'deployed');
    const values = deployed ? await this.run(getValuesCommand(target, deployed.revision, false)) : '{}';
    await this.buildDependencies(target, false);
    return this.run(templateCommand(target, changes, values, options));
  }

  /** Once per chart and process: the charts do not change while meshctl runs. */
  private async buildDependencies(target: ReleaseTarget, forUpgrade: boolean): Promise<void> {
    if (this.builtCharts.has(target.chart)) return;
    await this.run(dependencyBuildCommand(target), forUpgrade);
    // A dry run skips it with the upgrade: a later render would still need it built.
    if (!(forUpgrade && this.options.dryRun)) this.builtCharts.add(target.chart);
  }

  async missingSecrets(target: ReleaseTarget, names: readonly string[]): Promise<string[]> {
    const missing: string[] = [];
    for (const name of names) {
      // Only NotFound means missing: a kubectl that may not read Secrets says so instead.
      const found = await this.unlessNotFound(() => this.run(secretCommand(target, name)));
      if (found === undefined) missing.push(name);
    }
    return missing;
  }

  async rollbackRelease(target: ReleaseTarget, revision: number): Promise<void> {
    await this.run(rollbackCommand(target, revision), true);
  }

  async listRevisions(target: ReleaseTarget): Promise<RevisionInfo[]> {
    const history = await this.unlessNotFound(
      async () => JSON.parse(await this.run(historyCommand(target))) as RevisionInfo[],
    );
    return (history ?? []).map(({ revision, status }) => ({ revision, status }));
  }

  async valuesAt(target: ReleaseTarget, revision: number): Promise<ReleaseValues> {
    return valuesFromHelm(JSON.parse(await this.run(getValuesCommand(target, revision))));
  }

  async recordAnalysis(target: ReleaseTarget, record: AnalysisRecord): Promise<void> {
    await this.run(recordAnalysisCommand(target, record), true);
  }

  /** undefined when helm says the release does not exist, or kubectl that the object does not. */
  private async unlessNotFound<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      if (/release: not found|\(NotFound\)/i.test((error as Error).message)) return undefined;
      throw error;
    }
  }

  /** changes: the command changes something, so it is announced, and a dry run does not run it. */
  private run(command: Command, changes = false): Promise<string> {
    if (changes || this.options.dryRun) this.options.log(`$ ${formatCommand(command)}`);
    if (changes && this.options.dryRun) return Promise.resolve('');
    const binary = command.program === 'helm' ? this.options.helm : this.options.kubectl;
    return new Promise((resolve, reject) => {
      const child = execFile(
        binary,
        command.args,
        { cwd: this.options.cwd, maxBuffer: 32 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error)
            reject(
              new Error(
                `${command.program} ${command.args[0] ?? ''} failed: ${(stderr || error.message).trim()}`,
              ),
            );
          else resolve(stdout);
        },
      );
      if (command.stdin !== undefined) child.stdin?.end(command.stdin);
    });
  }
}
