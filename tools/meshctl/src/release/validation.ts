import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Bad input from the user: printed with the usage hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

// src/release and dist/release sit at the same depth, so this resolves from source and build alike.
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export function catalogServices(root = REPO_ROOT): string[] {
  const catalog = JSON.parse(readFileSync(`${root}services/catalog.json`, 'utf8')) as {
    services: { name: string }[];
  };
  return catalog.services.map((service) => service.name);
}

export function checkService(name: string | undefined, known: readonly string[]): string {
  if (!name) throw new UsageError(`a service is required (one of: ${known.join(', ')})`);
  if (!known.includes(name)) {
    throw new UsageError(`unknown service "${name}" (services/catalog.json has: ${known.join(', ')})`);
  }
  return name;
}

/**
 * The image tag rule of the charts' values schema (every chart shares one, chart-check tests it): the tag
 * becomes the pods' `version` label, so a Kubernetes label value. Read from the chart, so meshctl,
 * deploy-all.sh and the charts hold one rule.
 */
export function tagPattern(root = REPO_ROOT): RegExp {
  const [chart] = catalogServices(root);
  const schema = JSON.parse(readFileSync(`${root}helm/${chart}/values.schema.json`, 'utf8')) as {
    definitions: { tag: { pattern: string } };
  };
  return new RegExp(schema.definitions.tag.pattern);
}

let labelValue: RegExp | undefined;

/**
 * A moving tag hides which build runs, and a rollback to it restores whatever it points to by then (the
 * charts' values and the runbook say so); CI pushes commit tags only.
 */
const MOVING_TAG = /^latest$/i;

export function checkTag(flag: string, tag: string | undefined): string {
  if (tag === undefined || tag === '') throw new UsageError(`${flag} is required`);
  if (MOVING_TAG.test(tag)) {
    throw new UsageError(
      `${flag} "${tag}" is a moving tag: name the build, e.g. the commit tag CI pushed (ghcr.io/iot-mesh/<service>:<tag>)`,
    );
  }
  labelValue ??= tagPattern();
  if (!labelValue.test(tag)) {
    throw new UsageError(
      `${flag} "${tag}" is not a valid image tag: it becomes the pods' version label, so 1-63 letters, ` +
        `digits, _ . - starting and ending with a letter or digit`,
    );
  }
  return tag;
}

/** Plain decimal digits only: Number() would also take "0x0a", "1e1" and " 10". */
export function checkInteger(flag: string, text: string | undefined, min: number, max: number): number {
  const value = Number(text);
  if (text === undefined || !/^\d{1,15}$/.test(text) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, not "${text ?? ''}"`);
  }
  return value;
}

export const checkPercent = (flag: string, text: string | undefined) => checkInteger(flag, text, 0, 100);

export function checkWeights(stable: number, canary: number): void {
  if (stable + canary !== 100) {
    throw new UsageError(
      `weights must sum to 100: --stable ${stable} + --canary ${canary} = ${stable + canary}`,
    );
  }
}

export function checkNumber(flag: string, text: string, min = 0, max = Number.POSITIVE_INFINITY): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || value < min || value > max) {
    throw new UsageError(`${flag} must be a number from ${min} to ${max}, not "${text}"`);
  }
  return value;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** "30s", "5m", "1h", "250ms": also valid PromQL range durations, so windows reuse the text. */
export function checkDuration(flag: string, text: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text);
  const ms = match ? Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 1_000) : 0;
  if (ms <= 0)
    throw new UsageError(`${flag} must be a duration above zero like 30s, 5m or 1h, not "${text}"`);
  return ms;
}

export function checkSteps(text: string): number[] {
  const steps = text.split(',').map((part) => checkPercent('--steps', part.trim()));
  if (steps.some((step, i) => step === 0 || (i > 0 && step <= (steps[i - 1] ?? 0)))) {
    throw new UsageError(`--steps must be rising canary weights above 0, like 10,25,50, not "${text}"`);
  }
  // Promotion follows the last step; at 100 stable would get no traffic, leaving no baseline to compare.
  if ((steps.at(-1) ?? 0) >= 100) {
    throw new UsageError(
      `--steps must stay below 100, like 10,25,50, not "${text}": at 100% stable gets no traffic, so the ` +
        'analysis has no baseline to compare with; the promotion after the last step moves all traffic',
    );
  }
  return steps;
}
