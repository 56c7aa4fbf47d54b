import type { FetchLike } from '../analysis/prometheus-client.js';
import type { Clock } from '../auto/clock.js';
import type { Cluster } from '../cluster/cluster.port.js';

/** Where the CLI writes, what it reads, and the seams tests replace. */
export interface MeshctlIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Tests pass a DryRunCluster that keeps state across invocations; otherwise chosen by --dry-run. */
  cluster?: Cluster;
  clock?: Clock;
  fetch?: FetchLike;
  /** Aborting stops `loadgen` early: it still reports and revokes its keys (main.ts aborts it on a signal). */
  signal?: AbortSignal;
}

/**
 * Exit codes: ok, failed (or rolled back), bad input, analysis without data, and left part-way (a
 * rollback failed: the release is neither as before nor promoted, and needs a person).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, noData: 3, partWay: 4 } as const;
