import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import type { ConfigSchema } from './config-schemas.js';
import { limitProblems } from './configuration-doc-limits.js';
import { repoPath } from './repo.js';

// Reads docs/configuration.md and compares it with the services' config schemas (configuration-doc.spec.ts).

/** One row of a variable table: `| \`NAME\` | default | what it does |`. */
export interface DocRow {
  variable: string;
  /** The default cell as written. */
  defaultCell: string;
  /** 1-based line in the document, for messages. */
  line: number;
}

/** A `## ` section of the document, with the rows of every variable table in it (subsections included). */
export interface DocSection {
  heading: string;
  /** The service a `## Name (\`service-name\`)` heading names. */
  service?: string;
  /** `## Shared by every service`. */
  shared: boolean;
  rows: DocRow[];
  /** Rows whose first cell is not exactly one variable name in backticks, or that are in no variable table. */
  unreadableRows: { cell: string; line: number }[];
}

export const SHARED_HEADING = 'Shared by every service';

const cells = (line: string): string[] =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());

/**
 * The document's `## ` sections and their variable tables: tables whose header's first cell is
 * "variable". Their second column is the default, the third what the variable does.
 */
export function parseConfigurationDoc(markdown: string): DocSection[] {
  const sections: DocSection[] = [];
  let section: DocSection | undefined;
  let inVariableTable = false;
  markdown.split('\n').forEach((text, index) => {
    const heading = /^## (.+)$/.exec(text);
    if (heading?.[1]) {
      const title = heading[1].trim();
      section = {
        heading: title,
        service: /\(`([a-z][a-z0-9-]*)`\)$/.exec(title)?.[1],
        shared: title === SHARED_HEADING,
        rows: [],
        unreadableRows: [],
      };
      sections.push(section);
      inVariableTable = false;
      return;
    }
    if (!text.startsWith('|')) {
      inVariableTable = false;
      return;
    }
    const row = cells(text);
    if (!section) throw new Error(`docs/configuration.md:${index + 1}: a table before any "## " section`);
    if (!inVariableTable) {
      // A table's header row; the separator row below it is skipped as not a variable.
      inVariableTable = row[0]?.toLowerCase() === 'variable';
      // A row that lost its header (a blank line splits a table) would otherwise go unread.
      if (/^`[A-Z][A-Z0-9_]*`$/.test(row[0] ?? ''))
        section.unreadableRows.push({ cell: row[0] ?? '', line: index + 1 });
      return;
    }
    if (/^:?-+:?$/.test(row[0] ?? '')) return;
    const variable = /^`([A-Z][A-Z0-9_]*)`$/.exec(row[0] ?? '')?.[1];
    if (variable) section.rows.push({ variable, defaultCell: row[1] ?? '', line: index + 1 });
    else section.unreadableRows.push({ cell: row[0] ?? '', line: index + 1 });
  });
  return sections;
}

/** A default as the document states it, or as a schema yields it. */
export type Default =
  | { kind: 'value'; value: string }
  | { kind: 'unset' }
  | { kind: 'required' }
  /** Shared table only: each service's own default, stated in the service's section. */
  | { kind: 'per service' };

/**
 * The default a cell states: a value in backticks at its start (`8080`), or the words "unset",
 * "required" or "per service" at its start. Whatever follows (constraints, notes) is not compared.
 */
export function statedDefault(cell: string): Default | undefined {
  const value = /^`([^`]*)`/.exec(cell)?.[1];
  if (value !== undefined) return { kind: 'value', value };
  const word = /^(unset|required|per service)\b/i.exec(cell)?.[1]?.toLowerCase();
  if (word === 'unset' || word === 'required' || word === 'per service') return { kind: word };
  return undefined;
}

/** How a value reads in an environment variable: `true`, `8080`, `log,email`. */
function asEnvText(value: unknown): string {
  if (Array.isArray(value)) return value.map(asEnvText).join(',');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw new Error(`a default that does not read as an environment variable: ${JSON.stringify(value)}`);
}

/** What a variable's schema gives when the variable is not set: `undefined` parsed through it. */
export function schemaDefault(field: z.core.$ZodType): Default {
  const result = z.safeParse(field, undefined);
  if (!result.success) return { kind: 'required' };
  if (result.data === undefined) return { kind: 'unset' };
  return { kind: 'value', value: asEnvText(result.data) };
}

const describeDefault = (value: Default) => (value.kind === 'value' ? `\`${value.value}\`` : value.kind);

const sameDefault = (a: Default, b: Default) =>
  a.kind === b.kind && (a.kind !== 'value' || (b.kind === 'value' && a.value === b.value));

/** Where the platform's runtime code lives: its libraries and its services. */
const SOURCE_ROOTS = ['libs', 'services'];
/** A quoted environment variable name (`'OTEL_TRACES_SAMPLER'`), or one read as `env.NAME`. */
const ENV_NAMES = [/(['"])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\1/g, /\benv\.()([A-Z][A-Z0-9_]*)\b/g];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return ['node_modules', 'dist', 'generated', 'testing', 'test'].includes(entry.name)
        ? []
        : sourceFiles(path);
    }
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * The environment variables the code reads by name, found by one rule: in every source file of
 * libs/<name>/src and services/<name>/src (tests and test helpers left out) that reads the process
 * environment (it mentions `process.env` or `NodeJS.ProcessEnv`), every string literal that is an
 * environment variable name, and every `env.NAME` / `process.env.NAME`. That is how the tracing preload
 * reads its variables (`env['OTEL_…']`, `envNumber(env, 'OTEL_BSP_…')`); the config schemas read theirs
 * through zod, as object keys, not by name. Maps each name to the files that read it, relative to the
 * repo root (`libs/platform/src/observability/tracing.ts`).
 */
export function environmentReadByName(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const root of SOURCE_ROOTS) {
    for (const project of readdirSync(repoPath(root), { withFileTypes: true })) {
      const src = repoPath(root, project.name, 'src');
      if (!project.isDirectory() || !existsSync(src)) continue;
      for (const file of sourceFiles(src)) {
        const text = readFileSync(file, 'utf8');
        if (!/process\.env|NodeJS\.ProcessEnv/.test(text)) continue;
        const relativePath = relative(repoPath(), file).split(sep).join('/');
        for (const pattern of ENV_NAMES) {
          for (const [, , name = ''] of text.matchAll(pattern)) {
            found.set(name, [...new Set([...(found.get(name) ?? []), relativePath])]);
          }
        }
      }
    }
  }
  return found;
}

/** The service whose code a file is (`services/<name>/…`), or undefined for the shared libraries. */
const serviceOfFile = (file: string) => /^services\/([^/]+)\//.exec(file)?.[1];

export interface DocProblems {
  /** The document's shape: sections, unreadable rows and defaults, rows listed twice. */
  structure: string[];
  /** Variables a service reads that its section and the shared section leave out. */
  missing: string[];
  /** Variables the document lists that the code does not read (where it lists them). */
  extra: string[];
  /** Defaults the document states that differ from what the code applies. */
  defaults: string[];
  /** Limits of number variables the document states wrongly or leaves out (configuration-doc-limits.ts). */
  limits: string[];
}

/**
 * Compares the document with the services' schemas. `readByName` (environmentReadByName): the variables
 * the code reads by name, with the files that read them. One a library reads belongs in the shared
 * section, one a service's own code reads in that service's section (or the shared one). Their
 * defaults are in no schema, so for a variable no schema reads the document's default is not compared.
 */
export function configurationDocProblems(
  sections: readonly DocSection[],
  schemas: ReadonlyMap<string, ConfigSchema>,
  readByName: ReadonlyMap<string, readonly string[]>,
): DocProblems {
  const problems: DocProblems = { structure: [], missing: [], extra: [], defaults: [], limits: [] };
  const at = (row: DocRow) => `docs/configuration.md:${row.line}: ${row.variable}`;

  const shared = sections.filter((section) => section.shared);
  if (shared.length !== 1)
    problems.structure.push(`expected one "## ${SHARED_HEADING}" section, found ${shared.length}`);
  const sharedRows = shared.flatMap((section) => section.rows);
  const sectionOf = new Map<string, DocSection>();
  for (const section of sections) {
    for (const { cell, line } of section.unreadableRows) {
      problems.structure.push(
        `docs/configuration.md:${line}: "${cell}" is not one variable name in backticks, or its row is in no variable table`,
      );
    }
    const seen = new Set<string>();
    for (const row of section.rows) {
      if (seen.has(row.variable))
        problems.structure.push(`${at(row)} is listed twice in "${section.heading}"`);
      seen.add(row.variable);
    }
    if (section.service === undefined) {
      if (!section.shared && section.rows.length > 0) {
        problems.structure.push(
          `"${section.heading}" lists variables but is neither a service's section nor the shared one`,
        );
      }
    } else if (!schemas.has(section.service)) {
      problems.structure.push(`"${section.heading}" names ${section.service}, which is not a service`);
    } else if (sectionOf.has(section.service)) {
      problems.structure.push(`${section.service} has two sections`);
    } else {
      sectionOf.set(section.service, section);
    }
  }
  for (const service of schemas.keys()) {
    if (!sectionOf.has(service)) problems.structure.push(`${service} has no "## … (\`${service}\`)" section`);
  }

  const inShared = (variable: string) => sharedRows.some((row) => row.variable === variable);
  const readByServiceCode = (service: string, variable: string) =>
    (readByName.get(variable) ?? []).some((file) => serviceOfFile(file) === service);

  // Every variable a service reads: in its own section or in the shared one.
  for (const [service, { variables }] of schemas) {
    const own = new Set(sectionOf.get(service)?.rows.map((row) => row.variable));
    for (const variable of variables) {
      if (!own.has(variable) && !inShared(variable)) {
        problems.missing.push(
          `${service} reads ${variable}, which neither its section nor the shared one lists`,
        );
      }
    }
  }
  // Every variable read by name: a library's in the shared section, a service's in its own or the shared one.
  for (const [variable, files] of readByName) {
    if (inShared(variable)) continue;
    for (const file of files) {
      const service = serviceOfFile(file);
      if (service === undefined) {
        problems.missing.push(
          `${file} reads ${variable} outside the schemas; the shared section does not list it`,
        );
      } else if (!sectionOf.get(service)?.rows.some((row) => row.variable === variable)) {
        problems.missing.push(
          `${file} reads ${variable} outside the schema; ${service}'s section does not list it`,
        );
      }
    }
  }

  const check = (row: DocRow, service: string, field: z.core.$ZodType) => {
    const stated = statedDefault(row.defaultCell);
    const actual = schemaDefault(field);
    if (stated && !sameDefault(stated, actual)) {
      problems.defaults.push(
        `${at(row)}: the document says ${describeDefault(stated)}, ${service}'s schema yields ${describeDefault(actual)}`,
      );
    }
    // A port's range goes without saying.
    if (row.variable.endsWith('_PORT')) return;
    for (const problem of limitProblems(row.defaultCell, field))
      problems.limits.push(`${at(row)} (${service}): ${problem}`);
  };

  // The shared section: variables some schema reads (defaults compared with every schema that reads
  // them) or that are read by name outside the schemas.
  for (const row of sharedRows) {
    const readers = [...schemas].filter(([, schema]) => schema.variables.has(row.variable));
    if (readers.length === 0 && !readByName.has(row.variable)) {
      problems.extra.push(`${at(row)} is in the shared section, but no service reads it`);
    }
    const stated = statedDefault(row.defaultCell);
    if (!stated) {
      problems.structure.push(
        `${at(row)}: cannot read the default "${row.defaultCell}" (a \`value\`, unset, required or per service)`,
      );
      continue;
    }
    for (const [service, schema] of readers) {
      const own = sectionOf.get(service)?.rows.find((r) => r.variable === row.variable);
      const field = schema.fields.get(row.variable);
      if (stated.kind === 'per service') {
        if (!own)
          problems.missing.push(`${at(row)} is "per service", but ${service}'s section does not list it`);
      } else if (own) {
        problems.structure.push(
          `${at(own)} is in the shared section too; say "per service" there or list it once`,
        );
      } else if (field) {
        check(row, service, field);
      }
    }
  }

  // A service's section: variables that service's schema reads, with its defaults.
  for (const [service, section] of sectionOf) {
    for (const row of section.rows) {
      const field = schemas.get(service)?.fields.get(row.variable);
      if (!field && !readByServiceCode(service, row.variable)) {
        problems.extra.push(`${at(row)} is in ${service}'s section, but ${service} does not read it`);
        continue;
      }
      const stated = statedDefault(row.defaultCell);
      if (!stated || stated.kind === 'per service') {
        problems.structure.push(
          `${at(row)}: cannot read the default "${row.defaultCell}" (a \`value\`, unset or required)`,
        );
        continue;
      }
      if (field) check(row, service, field);
    }
  }
  return problems;
}
