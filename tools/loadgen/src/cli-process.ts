// The CLI run as this process: its argv, stdout and stderr, signals and exit code.
import { runCli } from './cli.js';

// The first Ctrl+C (or SIGTERM from Jenkins) ends the schedule and still prints the report of what
// was sent; a second one gives up at once.
const stop = new AbortController();
const onSignal = () => {
  if (stop.signal.aborted) process.exit(130);
  stop.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

process.exitCode = await runCli(process.argv.slice(2), {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
  env: process.env,
  signal: stop.signal,
});
process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);
