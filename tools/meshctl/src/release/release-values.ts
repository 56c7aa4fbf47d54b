/** The chart values meshctl reads and changes (see the deployment contract in the charts). */
export interface ReleaseValues {
  stableTag: string;
  canaryEnabled: boolean;
  canaryTag: string;
  /** Whether `x-canary: always` goes to the enabled canary: off while a new canary's pods get ready. */
  canaryHeaderRoute: boolean;
  stableWeight: number;
  canaryWeight: number;
}

/** The values meshctl owns: every step sets some of them, so nothing else may. */
export const VALUE_KEYS = [
  'stable.image.tag',
  'canary.enabled',
  'canary.image.tag',
  'canary.headerRoute',
  'traffic.stable',
  'traffic.canary',
] as const;

export type ValueKey = (typeof VALUE_KEYS)[number];

export interface ValueChange {
  key: ValueKey;
  value: string | number | boolean;
}

export const CHART_DEFAULTS: ReleaseValues = {
  // The charts have no default stable tag: every deploy names one.
  stableTag: '',
  canaryEnabled: false,
  canaryTag: '',
  canaryHeaderRoute: true,
  stableWeight: 100,
  canaryWeight: 0,
};

const FIELD: Record<ValueKey, keyof ReleaseValues> = {
  'stable.image.tag': 'stableTag',
  'canary.enabled': 'canaryEnabled',
  'canary.image.tag': 'canaryTag',
  'canary.headerRoute': 'canaryHeaderRoute',
  'traffic.stable': 'stableWeight',
  'traffic.canary': 'canaryWeight',
};

export function applyChanges(values: ReleaseValues, changes: readonly ValueChange[]): ReleaseValues {
  const next: Record<string, unknown> = { ...values };
  for (const { key, value } of changes) next[FIELD[key]] = value;
  return next as unknown as ReleaseValues;
}

/** "key: before -> after" for every change that alters something, for dry runs and logs. */
export function describeChanges(
  before: ReleaseValues | undefined,
  changes: readonly ValueChange[],
): string[] {
  return changes.map(({ key, value }) => {
    const old = before ? JSON.stringify(before[FIELD[key]]) : '(unknown)';
    return `${key}: ${old} -> ${JSON.stringify(value)}`;
  });
}

export const pick = (object: unknown, path: string[]): unknown =>
  path.reduce<unknown>(
    (node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
    object,
  );

/** The values of `helm get values --all -o json`, chart defaults where a key is missing. */
export function valuesFromHelm(json: unknown): ReleaseValues {
  const str = (path: string[], fallback: string) => {
    const value = pick(json, path);
    return typeof value === 'string' || typeof value === 'number' ? String(value) : fallback;
  };
  const num = (path: string[], fallback: number) => {
    const value = Number(pick(json, path));
    return Number.isFinite(value) ? value : fallback;
  };
  return {
    stableTag: str(['stable', 'image', 'tag'], CHART_DEFAULTS.stableTag),
    canaryEnabled: pick(json, ['canary', 'enabled']) === true,
    canaryTag: str(['canary', 'image', 'tag'], CHART_DEFAULTS.canaryTag),
    canaryHeaderRoute: pick(json, ['canary', 'headerRoute']) !== false,
    stableWeight: num(['traffic', 'stable'], CHART_DEFAULTS.stableWeight),
    canaryWeight: num(['traffic', 'canary'], CHART_DEFAULTS.canaryWeight),
  };
}

/** The values as Helm keeps them (the inverse of valuesFromHelm), e.g. for `helm template --values -`. */
export function toHelmValues(values: ReleaseValues): Record<string, unknown> {
  return {
    stable: { image: { tag: values.stableTag } },
    canary: {
      enabled: values.canaryEnabled,
      image: { tag: values.canaryTag },
      headerRoute: values.canaryHeaderRoute,
    },
    traffic: { stable: values.stableWeight, canary: values.canaryWeight },
  };
}
