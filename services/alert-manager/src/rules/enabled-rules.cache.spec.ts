import { aRule } from './domain/testing/rule.fixture.js';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { type Rule } from './domain/rule.js';
import { EnabledRulesCache } from './enabled-rules.cache.js';

const rule = (id: string, sensorType: SensorType): Rule => aRule({ id, name: id, sensorType });

const { SENSOR_TYPE_TEMPERATURE: TEMP, SENSOR_TYPE_HUMIDITY: HUMID } = SensorType;

describe('enabled rules cache', () => {
  let stored: Rule[];
  let loads: SensorType[][];
  let now: number;
  const cache = (ttlMs = 1_000) =>
    new EnabledRulesCache(
      (types) => {
        loads.push([...types]);
        return Promise.resolve(stored.filter((r) => types.includes(r.sensorType)));
      },
      ttlMs,
      () => now,
    );
  beforeEach(() => {
    stored = [rule('r-2', TEMP), rule('r-1', HUMID)];
    loads = [];
    now = 0;
  });

  it('loads only the sensor types it does not know, remembers empty answers, and orders by id', async () => {
    const rules = cache();
    expect((await rules.forSensorTypes([TEMP, TEMP])).map((r) => r.id)).toEqual(['r-2']);
    expect((await rules.forSensorTypes([HUMID, TEMP])).map((r) => r.id)).toEqual(['r-1', 'r-2']);
    expect(await rules.forSensorTypes([SensorType.SENSOR_TYPE_PRESSURE])).toEqual([]);
    expect(await rules.forSensorTypes([SensorType.SENSOR_TYPE_PRESSURE])).toEqual([]);
    expect(loads).toEqual([[TEMP], [HUMID], [SensorType.SENSOR_TYPE_PRESSURE]]);
  });

  it('sees other replicas’ changes after the TTL and its own at once', async () => {
    const rules = cache();
    await rules.forSensorTypes([TEMP]);
    stored = [];
    now = 999;
    expect(await rules.forSensorTypes([TEMP])).toHaveLength(1);
    now = 1_000;
    expect(await rules.forSensorTypes([TEMP])).toEqual([]);
    stored = [rule('r-3', TEMP)];
    rules.invalidate();
    expect((await rules.forSensorTypes([TEMP])).map((r) => r.id)).toEqual(['r-3']);
  });

  it('does not remember a load that overlapped an invalidation, nor anything with a zero TTL', async () => {
    const rules = cache();
    const loading = rules.forSensorTypes([TEMP]);
    rules.invalidate();
    await loading;
    await rules.forSensorTypes([TEMP]);
    expect(loads).toHaveLength(2);
    const uncached = cache(0);
    await uncached.forSensorTypes([TEMP]);
    await uncached.forSensorTypes([TEMP]);
    expect(loads).toHaveLength(4);
  });
});
