import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The repository root, from src/ or dist/ alike. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const repoPath = (...parts: string[]) => join(REPO_ROOT, ...parts);
export const readRepoFile = (path: string) => readFileSync(repoPath(path), 'utf8');
export const existsInRepo = (path: string) => existsSync(repoPath(path));
export const isDirectoryInRepo = (path: string) =>
  existsInRepo(path) && statSync(repoPath(path)).isDirectory();

const catalogSchema = z.object({
  services: z.array(
    z.object({
      name: z.string().regex(/^[a-z][a-z0-9-]*$/),
      grpcPort: z.number().int().min(1).max(65535),
      adminPort: z.number().int().min(1).max(65535),
      httpPort: z.number().int().min(1).max(65535).optional(),
      calls: z.record(z.string(), z.array(z.string())),
    }),
  ),
});

export type CatalogService = z.output<typeof catalogSchema>['services'][number];

/** services/catalog.json: the services in start order. */
export function readCatalog(): CatalogService[] {
  return catalogSchema.parse(JSON.parse(readRepoFile('services/catalog.json'))).services;
}

/** The env var through which a service learns another's address: DEVICE_REGISTRY_ADDRESS. */
export const addressVariable = (serviceName: string) =>
  `${serviceName.toUpperCase().replace(/-/g, '_')}_ADDRESS`;

const packageSchema = z.object({
  name: z.string(),
  main: z.string().optional(),
  workspaces: z.array(z.string()).optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  exports: z.record(z.string(), z.unknown()).optional(),
});

export type PackageJson = z.output<typeof packageSchema>;

/** `dir` is relative to the repo root ('' for the root itself). */
export const readPackage = (dir: string): PackageJson =>
  packageSchema.parse(JSON.parse(readRepoFile(join(dir, 'package.json'))));

/** Every workspace folder (`libs/platform`, ...) the root package.json's `dir/*` globs match. */
export function workspaceDirs(): string[] {
  return (readPackage('').workspaces ?? []).flatMap((glob) => {
    const parent = glob.replace(/\/\*$/, '');
    return readdirSync(repoPath(parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsInRepo(join(parent, entry.name, 'package.json')))
      .map((entry) => `${parent}/${entry.name}`);
  });
}

/** Workspace folder of each package name: '@iot-mesh/platform' → 'libs/platform'. */
export function workspacesByName(): Map<string, string> {
  return new Map(workspaceDirs().map((dir) => [readPackage(dir).name, dir]));
}

/** The workspace folders `dir` needs at run time, through its @iot-mesh dependencies, dependencies first. */
export function workspaceClosure(dir: string, byName = workspacesByName()): string[] {
  const ordered: string[] = [];
  const visit = (current: string) => {
    if (ordered.includes(current)) return;
    for (const dependency of Object.keys(readPackage(current).dependencies ?? {})) {
      const dependencyDir = byName.get(dependency);
      if (dependencyDir) visit(dependencyDir);
    }
    ordered.push(current);
  };
  visit(dir);
  return ordered;
}
