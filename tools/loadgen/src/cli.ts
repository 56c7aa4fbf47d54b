import { describeOptionsError, parseCliArgs, usage, UsageError } from './cli-options.js';
import { LoadOptionsError } from './load-options.js';
import { somethingGotThrough, type LoadReport } from './report.js';
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

/** The whole CLI: returns the exit code instead of exiting, so it can be tested in-process. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let request;
  try {
    request = parseCliArgs(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`loadgen: ${error.message}\nRun with --help for the options.`);
    return EXIT_USAGE;
  }
  if (request === 'help') {
    io.out(usage());
    return EXIT_OK;
  }
  const run = io.run ?? runLoad;
  let report: LoadReport;
  try {
    report = await run({
      ...request.options,
      ...(io.signal ? { signal: io.signal } : {}),
      log: (line) => io.err(`loadgen: ${line}`),
    });
  } catch (error) {
    if (error instanceof LoadOptionsError) {
      io.err(`loadgen: bad options\n${describeOptionsError(error)}\nRun with --help for the options.`);
      return EXIT_USAGE;
    }
    io.err(`loadgen: ${(error as Error).message}`);
    return EXIT_NOTHING_THROUGH;
  }
  io.out(request.json ? formatReportJson(report) : formatReport(report));
  return somethingGotThrough(report) ? EXIT_OK : EXIT_NOTHING_THROUGH;
}
