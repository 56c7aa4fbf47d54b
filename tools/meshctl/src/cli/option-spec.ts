import type { ParseArgsConfig } from 'node:util';

// What a command's options are made of: the parser and the help both read them (command-options.ts).

/** One option as the parser takes it and as help lists it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  default?: string | boolean;
  short?: string;
  /** The value's name in help: "T" in "--tag T". */
  value?: string;
  help: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

/**
 * What --dry-run does. `no-cluster`: reads no cluster (so pipelines validate their parameters before they
 * hold its credentials) and prints the lines that would change something; the checks that need the
 * release are skipped. `reads`: the command's look-ups run as without it, each line printed, and what
 * would change something is printed instead of run.
 */
export type DryRunKind = 'no-cluster' | 'reads';

export interface CommandSpec {
  /** The command's own options, listed under "Options". */
  options: OptionSpecs;
  /** Takes the analysis options (Prometheus and thresholds). */
  analysis?: boolean;
  dryRun: DryRunKind;
}

/** The options as node:util parseArgs takes them. */
export function parserOptions(specs: OptionSpecs): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(specs).map(([name, { type, default: fallback, short }]) => [
      name,
      { type, ...(fallback === undefined ? {} : { default: fallback }), ...(short ? { short } : {}) },
    ]),
  );
}
