import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../catalog/generate-catalog-template.js';

let cached: string | undefined;

/** Path of the real Helm binary; setup-scripts/install-helm.sh extracts it once and prints the path. */
export function helmBinary(): string {
  cached ??= execFileSync(join(repoRoot, 'setup-scripts/install-helm.sh'), { encoding: 'utf8' }).trim();
  return cached;
}
