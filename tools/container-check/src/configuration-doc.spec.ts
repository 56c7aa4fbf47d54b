import { z } from 'zod';
import { configSchema, type ConfigSchema } from './config-schemas.js';
import {
  configurationDocProblems,
  environmentReadByName,
  parseConfigurationDoc,
  type DocProblems,
} from './configuration-doc.js';
import { readCatalog, readRepoFile } from './repo.js';

const DOC = readRepoFile('docs/configuration.md');
const readByName = environmentReadByName();

let schemas: Map<string, ConfigSchema>;
beforeAll(async () => {
  schemas = new Map(
    await Promise.all(readCatalog().map(async ({ name }) => [name, await configSchema(name)] as const)),
  );
});

const problemsOf = (markdown: string): DocProblems =>
  configurationDocProblems(parseConfigurationDoc(markdown), schemas, readByName);

/**
 * The document with one row's line changed (or, `undefined`, removed); throws if no line matches, so
 * that a test cannot pass without changing anything.
 */
function withRow(markdown: string, row: RegExp, change: (line: string) => string | undefined): string {
  const lines = markdown.split('\n');
  const index = lines.findIndex((line) => row.test(line));
  if (index < 0) throw new Error(`no line matches ${row}`);
  const changed = change(lines[index] ?? '');
  return [
    ...lines.slice(0, index),
    ...(changed === undefined ? [] : [changed]),
    ...lines.slice(index + 1),
  ].join('\n');
}

/** The document with the default cell of a variable's row (the first, if several) replaced. */
const withDefault = (markdown: string, variable: string, cell: string) =>
  withRow(markdown, new RegExp(`^\\| \`${variable}\` +\\|`), (line) =>
    line.replace(/^(\|[^|]*\|)[^|]*\|/, `$1 ${cell} |`),
  );

describe('docs/configuration.md', () => {
  it('has the shared section, one section per service, and a readable default in every row', () => {
    expect(problemsOf(DOC).structure).toEqual([]);
  });

  it('lists every variable each service reads, in its section or the shared one', () => {
    expect(problemsOf(DOC).missing).toEqual([]);
  });

  it('lists only variables the services read, each where it is read', () => {
    expect(problemsOf(DOC).extra).toEqual([]);
  });

  it('states the default each schema applies when the variable is unset', () => {
    expect(problemsOf(DOC).defaults).toEqual([]);
  });

  it('states the limits each schema holds a number to, at both ends', () => {
    expect(problemsOf(DOC).limits).toEqual([]);
  });

  it('finds, by its rule, the variables the tracing preload reads by name', () => {
    // An empty result would make the checks of these variables vacuous: the rule must still find them.
    const files = new Set([...readByName.values()].flat());
    for (const preload of ['tracing.preload.ts', 'tracing.ts', 'trace-sampler.ts']) {
      expect(files).toContain(`libs/platform/src/observability/${preload}`);
    }
    const outsideSchemas = [...readByName.keys()].filter(
      (name) => ![...schemas.values()].some((schema) => schema.variables.has(name)),
    );
    expect(outsideSchemas.length).toBeGreaterThan(0);
  });
});

describe('the configuration doc check catches drift', () => {
  it('a wrong default', () => {
    const doc = withDefault(DOC, 'HTTP_PORT', '`1`');
    expect(problemsOf(doc).defaults).toEqual([
      expect.stringMatching(/HTTP_PORT: the document says `1`, edge-gateway's schema yields `\d+`/),
    ]);
  });

  it('a wrong default in the shared section, against every service', () => {
    const doc = withDefault(DOC, 'SHUTDOWN_TIMEOUT_MS', '`1`');
    expect(problemsOf(doc).defaults).toHaveLength(schemas.size);
  });

  it('"unset" where the code applies a value', () => {
    const doc = withDefault(DOC, 'DELIVERY_TIMEOUT_MS', 'unset');
    expect(problemsOf(doc).defaults).toEqual([
      expect.stringMatching(
        /DELIVERY_TIMEOUT_MS: the document says unset, notification's schema yields `\d+`/,
      ),
    ]);
  });

  it('a value where the code applies none', () => {
    const doc = withDefault(DOC, 'REDIS_URL', '`redis://localhost:6379`');
    expect(problemsOf(doc).defaults).toEqual([
      expect.stringMatching(
        /REDIS_URL: the document says `redis:\/\/localhost:6379`, edge-gateway's schema yields unset/,
      ),
    ]);
  });

  it('a range whose end the schema does not hold', () => {
    const doc = withDefault(DOC, 'DELIVERY_MAX_ATTEMPTS', '`5`; from 1 to 200');
    expect(problemsOf(doc).limits).toEqual([
      expect.stringMatching(
        /DELIVERY_MAX_ATTEMPTS \(notification\): the document says up to 200, yet the schema refuses 200/,
      ),
    ]);
  });

  it('a duration whose limits go unsaid, though the schema refuses 0 and values past what timers take', () => {
    const doc = withDefault(DOC, 'DOWNSTREAM_DEADLINE_MS', '`5000`');
    expect(problemsOf(doc).limits).toEqual([
      expect.stringMatching(
        /DOWNSTREAM_DEADLINE_MS \(edge-gateway\): the schema refuses 0, and the document/,
      ),
      expect.stringMatching(/DOWNSTREAM_DEADLINE_MS \(edge-gateway\): the schema refuses 2147483648, and/),
    ]);
  });

  it('a variable left out', () => {
    const doc = withRow(DOC, /^\| `SMTP_FROM` +\|/, () => undefined);
    expect(problemsOf(doc).missing).toEqual([
      'notification reads SMTP_FROM, which neither its section nor the shared one lists',
    ]);
  });

  it('a tracing variable left out', () => {
    const doc = withRow(DOC, /^\| `OTEL_BSP_SCHEDULE_DELAY` +\|/, () => undefined);
    expect(problemsOf(doc).missing).toEqual([
      'libs/platform/src/observability/tracing.ts reads OTEL_BSP_SCHEDULE_DELAY outside the schemas; the shared section does not list it',
    ]);
  });

  it('a variable no service reads', () => {
    const doc = withRow(
      DOC,
      /^\| `SMTP_FROM` +\|/,
      (line) => `${line}\n| \`SMTP_REPLY_TO\` | unset | Reply-To of the emails. |`,
    );
    expect(problemsOf(doc).extra).toEqual([
      expect.stringMatching(/SMTP_REPLY_TO is in notification's section, but notification does not read it/),
    ]);
  });

  it('a variable in the section of a service that does not read it', () => {
    const doc = withRow(
      DOC,
      /^\| `SEND_VERIFICATION_EMAILS` +\|/,
      (line) => `${line}\n| \`DELIVERY_CONCURRENCY\` | \`10\` | Moved here by mistake. |`,
    );
    expect(problemsOf(doc).extra).toEqual([
      expect.stringMatching(/DELIVERY_CONCURRENCY is in device-registry's section/),
    ]);
  });

  it('a default it cannot read', () => {
    const doc = withDefault(DOC, 'HTTP_PORT', 'eighty-eighty');
    expect(problemsOf(doc).structure).toEqual([
      expect.stringMatching(/HTTP_PORT: cannot read the default "eighty-eighty"/),
    ]);
  });

  it('a variable a service starts to read in its schema', () => {
    const notification = schemas.get('notification');
    if (!notification) throw new Error('no notification schema');
    const field = z.coerce.number().default(3);
    const grown = new Map(schemas).set('notification', {
      ...notification,
      variables: new Set([...notification.variables, 'DELIVERY_BATCH_SIZE']),
      fields: new Map([...notification.fields, ['DELIVERY_BATCH_SIZE', field]]),
    });
    const problems = configurationDocProblems(parseConfigurationDoc(DOC), grown, readByName);
    expect(problems.missing).toEqual([
      'notification reads DELIVERY_BATCH_SIZE, which neither its section nor the shared one lists',
    ]);
  });

  it('a variable a service starts to read by name, outside its schema', () => {
    const grown = new Map(readByName).set('FEATURE_X', ['services/alert-manager/src/feature-x.ts']);
    const problems = configurationDocProblems(parseConfigurationDoc(DOC), schemas, grown);
    expect(problems.missing).toEqual([
      "services/alert-manager/src/feature-x.ts reads FEATURE_X outside the schema; alert-manager's section does not list it",
    ]);
  });
});
