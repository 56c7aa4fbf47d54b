// The CLI run as this process: its argv, stdout and stderr, signals and exit code.
import { runCli } from './cli.js';
import { untilStopSignal } from './stop-signals.js';

process.exitCode = await untilStopSignal((signal) =>
  runCli(process.argv.slice(2), {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
    env: process.env,
    signal,
  }),
);
