import { readFileSync } from 'node:fs';

const MIB = 1024 * 1024;

/** Resident set size of a process in MiB from /proc (Linux), or undefined once it is gone. */
export function rssMiB(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? (Number(match[1]) * 1024) / MIB : undefined;
  } catch {
    return undefined;
  }
}

export interface SeriesSummary {
  first: number;
  last: number;
  max: number;
  /**
   * Mean of the last third of the samples over the mean of the middle third, minus one (0.1 = +10 %).
   * The first third is warm-up (JIT, caches, connection pools) and would read as growth.
   */
  growth: number;
  samples: number;
}

export function summarize(values: readonly number[]): SeriesSummary {
  const third = Math.max(1, Math.floor(values.length / 3));
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const middle = mean(values.slice(third, values.length - third));
  return {
    first: values[0] ?? 0,
    last: values.at(-1) ?? 0,
    max: Math.max(0, ...values),
    growth: middle > 0 ? mean(values.slice(-third)) / middle - 1 : 0,
    samples: values.length,
  };
}

/**
 * Samples named series (RSS of each service's current pid, or any other figure) every `everyMs`
 * until stopped; a probe that yields undefined (process restarting) is skipped for that round.
 */
export function startSampling(
  probes: Record<string, () => Promise<number | undefined> | number | undefined>,
  everyMs: number,
) {
  const series: Record<string, number[]> = Object.fromEntries(Object.keys(probes).map((k) => [k, []]));
  let busy = false;
  const sampleOnce = async () => {
    if (busy) return;
    busy = true;
    try {
      for (const [name, probe] of Object.entries(probes)) {
        const value = await probe();
        if (value !== undefined && Number.isFinite(value)) series[name].push(value);
      }
    } finally {
      busy = false;
    }
  };
  void sampleOnce();
  const timer = setInterval(() => void sampleOnce(), everyMs);
  return {
    series,
    stop: async (): Promise<Record<string, SeriesSummary>> => {
      clearInterval(timer);
      await sampleOnce();
      return Object.fromEntries(Object.entries(series).map(([name, values]) => [name, summarize(values)]));
    },
  };
}
