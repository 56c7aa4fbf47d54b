import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../catalog/generate-catalog-template.js';
import type { K8sObject } from '../manifest.js';
import { helmBinary } from './helm-binary.js';

const run = promisify(execFile);

export const chartsDir = join(repoRoot, 'helm');

export interface HelmResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** Runs helm; a non-zero exit is a result (tests assert on the message), not an exception. */
export async function helm(args: string[]): Promise<HelmResult> {
  try {
    const { stdout, stderr } = await run(helmBinary(), args, { cwd: repoRoot, maxBuffer: 32 * 1024 * 1024 });
    return { ok: true, stdout, stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, stdout: failed.stdout ?? '', stderr: failed.stderr ?? failed.message };
  }
}

/** `--set` style values plus extra flags (e.g. --api-versions) for one render. */
export interface RenderOptions {
  set?: Record<string, string | number | boolean>;
  flags?: string[];
}

/**
 * The stable image tag every render passes, as `meshctl deploy --tag` always does: the charts have no
 * default (stable.image.tag is required). First, so a test's own --set of the tag wins.
 */
export const STABLE_TAG = '1.0.0';
const stableTag = ['--set-string', `stable.image.tag=${STABLE_TAG}`];

function valueArgs(options: RenderOptions): string[] {
  const sets = Object.entries(options.set ?? {}).map(([key, value]) => `${key}=${String(value)}`);
  return [...stableTag, ...sets.flatMap((set) => ['--set', set]), ...(options.flags ?? [])];
}

/** Release name and namespace are the chart (service) name, as the deployment contract says. */
export function releaseArgs(chart: string): string[] {
  return [chart, join(chartsDir, chart), '--namespace', chart];
}

export function dependencyBuild(chart: string): Promise<HelmResult> {
  return helm(['dependency', 'build', join(chartsDir, chart)]);
}

export function lint(chart: string, options: RenderOptions = {}): Promise<HelmResult> {
  return helm(['lint', '--strict', join(chartsDir, chart), '--namespace', chart, ...valueArgs(options)]);
}

export function template(chart: string, options: RenderOptions = {}): Promise<HelmResult> {
  return helm(['template', ...releaseArgs(chart), ...valueArgs(options)]);
}

/** Parses a multi-document manifest; empty documents (conditional templates) are dropped. */
export function parseManifest(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`bad YAML: ${document.errors[0].message}`);
      return document.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

/** Renders a chart and returns its objects; throws with helm's message when the render fails. */
export async function renderObjects(chart: string, options: RenderOptions = {}): Promise<K8sObject[]> {
  const result = await template(chart, options);
  if (!result.ok) throw new Error(`helm template ${chart} failed:\n${result.stderr}`);
  return parseManifest(result.stdout);
}
