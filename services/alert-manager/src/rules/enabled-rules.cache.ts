import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { Rule } from './domain/rule.js';

interface Entry {
  rules: readonly Rule[];
  expires: number;
}

/**
 * The enabled rules per sensor type, kept in process so that evaluating readings no rule watches
 * costs no store round trip. This process's rule writes invalidate it at once; changes made by
 * other replicas are picked up within `ttlMs` (zero disables caching), or as soon as the store
 * refuses a write judged by a rule they changed. A load that overlaps an
 * invalidation is not remembered, so a write is never hidden by an answer read before it.
 */
export class EnabledRulesCache {
  private readonly entries = new Map<SensorType, Entry>();
  private generation = 0;

  constructor(
    private readonly load: (sensorTypes: readonly SensorType[]) => Promise<Rule[]>,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** Enabled rules watching any of `sensorTypes`, ordered by id. */
  async forSensorTypes(sensorTypes: readonly SensorType[]): Promise<Rule[]> {
    const now = this.now();
    const found: Rule[] = [];
    const missing: SensorType[] = [];
    for (const type of new Set(sensorTypes)) {
      const entry = this.entries.get(type);
      if (entry && entry.expires > now) found.push(...entry.rules);
      else missing.push(type);
    }
    if (missing.length > 0) {
      const generation = this.generation;
      const loaded = await this.load(missing);
      if (this.ttlMs > 0 && generation === this.generation) {
        for (const type of missing) {
          const rules = loaded.filter((rule) => rule.sensorType === type);
          this.entries.set(type, { rules, expires: now + this.ttlMs });
        }
      }
      found.push(...loaded);
    }
    found.sort(byId);
    return found;
  }

  /** After this process changed a rule. */
  invalidate(): void {
    this.generation++;
    this.entries.clear();
  }
}

const byId = (a: Rule, b: Rule): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
