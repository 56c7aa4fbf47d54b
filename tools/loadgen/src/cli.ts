import { describeOptionsError, parseCliArgs, usage, UsageError } from './cli-options.js';
import { LoadOptionsError } from './load-options.js';
import { runVerdict, type LoadReport, type RunVerdict } from './report.js';
import { formatReport, formatReportJson } from './report-format.js';
import { runLoad } from './run-load.js';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Aborting stops the schedule early; the run is still drained and reported. */
  signal?: AbortSignal;
  /** The run itself; tests may stand in for it. */
  run?: (options: Parameters<typeof runLoad>[0]) => Promise<LoadReport>;
}

export const EXIT_OK = 0;
export const EXIT_NOTHING_THROUGH = 1;
export const EXIT_USAGE = 2;
/** No reading was accepted, but some calls got no answer in time: readings may have been stored. */
export const EXIT_OUTCOME_UNKNOWN = 3;

const EXIT_FOR: Readonly<Record<RunVerdict, number>> = {
  accepted: EXIT_OK,
  unknown: EXIT_OUTCOME_UNKNOWN,
  'nothing-through': EXIT_NOTHING_THROUGH,
};

/** With --json, stdout carries JSON whatever happens: the report, or what stopped the run. */
interface JsonError {
  error: { code: 'USAGE' | 'BAD_OPTIONS' | 'RUN_FAILED'; message: string; problems?: string[] };
}

/** The whole CLI: returns the exit code instead of exiting, so it can be tested in-process. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const fail = (exitCode: number, text: string, json: boolean, error: JsonError['error']) => {
    io.err(text);
    if (json) io.out(JSON.stringify({ error } satisfies JsonError, null, 2));
    return exitCode;
  };
  let request;
  try {
    request = parseCliArgs(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return fail(
      EXIT_USAGE,
      `loadgen: ${error.message}\nRun with --help for the options.`,
      argv.includes('--json'),
      { code: 'USAGE', message: error.message },
    );
  }
  if (request === 'help') {
    io.out(usage());
    return EXIT_OK;
  }
  const run = io.run ?? runLoad;
  const onStop = () => io.err('loadgen: stopping: the report follows once the calls under way are answered');
  io.signal?.addEventListener('abort', onStop, { once: true });
  let report: LoadReport;
  try {
    report = await run({
      ...request.options,
      ...(io.signal ? { signal: io.signal } : {}),
      log: (line) => io.err(`loadgen: ${line}`),
    });
  } catch (error) {
    if (error instanceof LoadOptionsError) {
      const problems = describeOptionsError(error);
      return fail(
        EXIT_USAGE,
        `loadgen: bad options\n${problems}\nRun with --help for the options.`,
        request.json,
        { code: 'BAD_OPTIONS', message: 'bad options', problems: problems.split('\n') },
      );
    }
    const message = (error as Error).message;
    return fail(EXIT_NOTHING_THROUGH, `loadgen: ${message}`, request.json, { code: 'RUN_FAILED', message });
  } finally {
    io.signal?.removeEventListener('abort', onStop);
  }
  io.out(request.json ? formatReportJson(report) : formatReport(report));
  return EXIT_FOR[runVerdict(report)];
}
