import { Worker } from 'node:worker_threads';

/** What the checkpoint thread is started with. */
export interface WalCheckpointerData {
  file: string;
  intervalMs: number;
}

export interface WalCheckpointer {
  /** Stops the thread, which closes its connection first; resolves once it has ended. */
  stop(): Promise<void>;
}

// Built next to this file in dist/; from src/ (the tests) the same path leads there too.
const WORKER_URL = new URL('../dist/wal-checkpoint.worker.js', import.meta.url);

// The thread only runs a pragma now and then: a small heap keeps its cost to the service's memory low.
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8 };

/**
 * Checkpoints an SQLite file's write-ahead log on a thread of its own. Inline, SQLite checkpoints in
 * the commit that takes the log past 1,000 pages: under the processor's write load that was every
 * 0.6 s, each stopping the service's one thread for about 10 ms (copying the pages and three fsyncs).
 * `onFailure` is told if the thread stops on an error (the caller then checkpoints inline again).
 */
export function startWalCheckpointer(
  data: WalCheckpointerData,
  onFailure: (error: Error) => void,
): WalCheckpointer {
  const worker = new Worker(WORKER_URL, { workerData: data, resourceLimits: WORKER_LIMITS });
  // Never what keeps a process alive: the service's own handles decide when it ends.
  worker.unref();
  let stopping = false;
  // Once stopping, an error (its file already removed, say) is of no one's concern: the owner is done.
  worker.once('error', (error: Error) => {
    if (!stopping) onFailure(error);
  });
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    stop: () => {
      stopping = true;
      worker.postMessage('stop');
      return ended;
    },
  };
}
