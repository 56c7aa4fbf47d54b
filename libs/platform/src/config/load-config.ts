import type { z } from 'zod';
import { ConfigError } from './config-error.js';

/** Parses the environment with a zod schema; every problem is reported with the variable's name. */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.length > 0 ? String(issue.path[0]) : 'environment';
    return `${variable}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

/** Like loadConfig, but a bad configuration stops the process with a clear message and exit code 78. */
export function loadConfigOrExit<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    exitForConfigError(error);
  }
}

/** Stops the process as a bad configuration does: its problems on stderr, no stack, exit code 78. */
export function exitForConfigError(error: ConfigError): never {
  process.stderr.write(`${error.message}\n`);
  process.exit(78); // EX_CONFIG from sysexits.h
}
