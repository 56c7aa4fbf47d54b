import type { ReleaseState } from '../cluster/cluster.port.js';

export interface StatusRow {
  service: string;
  namespace: string;
  state: ReleaseState | undefined;
}

const replicas = (r: { ready: number; desired: number } | undefined) => (r ? `${r.ready}/${r.desired}` : '-');

export function statusJson(rows: readonly StatusRow[]): string {
  return JSON.stringify(
    rows.map(({ service, namespace, state }) => ({
      service,
      namespace,
      installed: state !== undefined,
      ...state,
    })),
    null,
    2,
  );
}

export function statusTable(rows: readonly StatusRow[]): string {
  const header = ['SERVICE', 'NAMESPACE', 'REV', 'STABLE', 'CANARY', 'WEIGHTS', 'REPLICAS', 'LAST ANALYSIS'];
  const body = rows.map(({ service, namespace, state }) => {
    if (!state) return [service, namespace, '-', 'not installed', '-', '-', '-', '-'];
    const { values, lastAnalysis } = state;
    return [
      service,
      namespace,
      String(state.revision),
      values.stableTag,
      values.canaryEnabled ? values.canaryTag : '-',
      `${values.stableWeight}/${values.canaryWeight}`,
      `${replicas(state.replicas.stable)} ${replicas(state.replicas.canary)}`,
      lastAnalysis ? `${lastAnalysis.verdict} at ${lastAnalysis.at}` : '-',
    ];
  });
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((cells) => (cells[i] ?? '').length)));
  return [header, ...body]
    .map((cells) =>
      cells
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
