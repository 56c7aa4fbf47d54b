import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/release/validation.js';

export interface FakeRevision {
  values: Record<string, unknown>;
  status: 'deployed' | 'superseded' | 'failed';
}

/**
 * helm and kubectl executables for HelmCluster (MESHCTL_HELM, MESHCTL_KUBECTL) backed by
 * fake-cluster/fake-helm.ts: releases in a temp dir, every upgrade rendered by the real helm binary.
 */
export class FakeCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'meshctl-fake-cluster-'));
  readonly env: Record<string, string>;

  constructor() {
    const realHelm = execFileSync(join(REPO_ROOT, 'setup-scripts/install-helm.sh'), {
      encoding: 'utf8',
    }).trim();
    const script = join(REPO_ROOT, 'tools/meshctl/test/fake-cluster/fake-helm.ts');
    for (const program of ['helm', 'kubectl']) {
      const wrapper = join(this.dir, program);
      writeFileSync(
        wrapper,
        `#!/bin/sh\nexec '${process.execPath}' '${script}' '${this.dir}' '${realHelm}' ${program} "$@"\n`,
      );
      chmodSync(wrapper, 0o755);
    }
    this.env = { MESHCTL_HELM: join(this.dir, 'helm'), MESHCTL_KUBECTL: join(this.dir, 'kubectl') };
  }

  /** No releases, calls, failures or Secrets: as new, keeping the charts' dependencies built. */
  reset(): void {
    for (const file of ['state.json', 'calls.log', 'fail', 'secrets.json', 'pods.json'])
      rmSync(join(this.dir, file), { force: true });
  }

  /** Creates a Secret (only its name: meshctl asks whether it exists). */
  addSecret(namespace: string, name: string): void {
    const path = join(this.dir, 'secrets.json');
    const secrets = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as string[]) : [];
    writeFileSync(path, JSON.stringify([...secrets, `${namespace}/${name}`]));
  }

  /** The ready and desired pods kubectl reports for a track from now on; 1 of 1 until set. */
  setPods(track: 'stable' | 'canary', ready: number, desired: number): void {
    writeFileSync(join(this.dir, 'pods.json'), JSON.stringify({ [track]: [ready, desired] }));
  }

  /** Upgrades whose command line matches fail from now on, after applying, as a --wait that timed out. */
  failUpgradesMatching(pattern: RegExp | undefined): void {
    if (pattern) writeFileSync(join(this.dir, 'fail'), pattern.source);
    else rmSync(join(this.dir, 'fail'), { force: true });
  }

  revisions(service: string): FakeRevision[] {
    const path = join(this.dir, 'state.json');
    if (!existsSync(path)) return [];
    return (JSON.parse(readFileSync(path, 'utf8')) as Record<string, FakeRevision[]>)[service] ?? [];
  }

  /** Every helm and kubectl call so far, one line each. */
  calls(): string[] {
    const path = join(this.dir, 'calls.log');
    return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n') : [];
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
