import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Strips // and /* *\/ comments so commented-out rpcs do not count. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

/** The gRPC paths (`/package.Service/Method`) one .proto file defines. */
export function methodPaths(source: string): string[] {
  const text = withoutComments(source);
  const packageName = /\bpackage\s+([\w.]+)\s*;/.exec(text)?.[1];
  const paths: string[] = [];
  for (const service of text.matchAll(/\bservice\s+(\w+)\s*\{([\s\S]*?)\n\}/g)) {
    const qualified = packageName ? `${packageName}.${service[1]}` : service[1];
    for (const rpc of service[2].matchAll(/\brpc\s+(\w+)\s*\(/g)) paths.push(`/${qualified}/${rpc[1]}`);
  }
  return paths;
}

function protoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return protoFiles(path);
    return entry.name.endsWith('.proto') ? [path] : [];
  });
}

/** Every gRPC method path defined under a proto root (e.g. proto/iotmesh). */
export function protoMethodPaths(root: string): Set<string> {
  return new Set(protoFiles(root).flatMap((file) => methodPaths(readFileSync(file, 'utf8'))));
}
