import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { pick, VALUE_KEYS } from './release-values.js';
import { REPO_ROOT, UsageError } from './validation.js';

/** One directory per cluster environment, one values file per service: what that cluster needs. */
export const ENVIRONMENTS_DIR = 'deploy/environments';

export function environmentNames(root = REPO_ROOT): string[] {
  const dir = join(root, ENVIRONMENTS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/**
 * deploy/environments/<name>/<service>.yaml (relative to the repo root, where helm runs), checked: the
 * environment exists, has a file for the service, and leaves alone the values meshctl sets itself (a
 * file that set traffic.canary would undo a canary step on the next deploy).
 */
export function environmentValuesFile(name: string, service: string, root = REPO_ROOT): string {
  const known = environmentNames(root);
  if (!known.includes(name)) {
    throw new UsageError(
      `--environment "${name}" is not one of ${ENVIRONMENTS_DIR}/: ${known.join(', ') || 'none'}`,
    );
  }
  const file = `${ENVIRONMENTS_DIR}/${name}/${service}.yaml`;
  if (!existsSync(join(root, file)))
    throw new UsageError(`--environment ${name} has no values for ${service}: add ${file}`);
  const values: unknown = parse(readFileSync(join(root, file), 'utf8'));
  const owned = VALUE_KEYS.filter((key) => pick(values, key.split('.')) !== undefined);
  if (owned.length > 0) {
    throw new UsageError(
      `${file} sets ${owned.join(', ')}: meshctl sets those itself; remove them from the file`,
    );
  }
  return file;
}
