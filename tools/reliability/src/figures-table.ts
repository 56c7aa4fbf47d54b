/** Prints figures as a compact aligned table, so a run's output can go straight into the README. */
export function printFigures(title: string, rows: readonly (readonly [string, string | number])[]): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
  console.log(`${title}\n${lines.join('\n')}`);
}

export const mib = (value: number): string => `${value.toFixed(0)} MiB`;

/** "service max, ..." from a sampler summary, for the figures table. */
export const maxRssLine = (summary: Record<string, { max: number }>): string =>
  Object.entries(summary)
    .map(([name, sampled]) => `${name} ${mib(sampled.max)}`)
    .join(', ');
