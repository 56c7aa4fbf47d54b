import { readFileSync, writeFileSync } from 'node:fs';

/** Peak resident set size (VmHWM) of a process in MiB, from /proc/<pid>/status; 0 where /proc is missing. */
export function peakRssMiB(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmHWM:'));
    return line ? Number(line.replace(/\D+/g, '')) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Starts a new peak for peakRssMiB: writing 5 to /proc/<pid>/clear_refs sets VmHWM back to the present
 * RSS (Linux 4.0 and later), so the next reading is the peak of what ran in between.
 */
export function resetPeakRss(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Without /proc the peaks stay 0 (see peakRssMiB).
  }
}
