/** A second Ctrl+C or SIGTERM gives up at once, with the shell's exit code for an interrupt. */
const EXIT_GAVE_UP = 130;

/**
 * Runs `work` with a signal that the first SIGINT or SIGTERM (Ctrl+C, a Jenkins abort or timeout)
 * aborts, so that a run can stop, report and revoke its keys; a second one exits at once. The one
 * signal handling of `node tools/loadgen/dist/main.js` and `meshctl loadgen`, so they stop alike.
 */
export async function untilStopSignal<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(EXIT_GAVE_UP);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(stop.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
