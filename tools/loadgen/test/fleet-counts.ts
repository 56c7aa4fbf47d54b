// What the platform itself holds for a fleet, counted apart from the load generator's report.
import { isLoadgenKey } from '../src/run-keys.js';
import { OPERATOR_TOKEN, operatorGet } from './test-stack.js';

/** Readings the data processor aggregated for the devices, over every hourly window and page. */
export async function aggregatedReadings(base: string, deviceIds: readonly string[]): Promise<number> {
  let total = 0;
  for (const deviceId of deviceIds) {
    let pageToken = '';
    do {
      const page = await operatorGet<{ aggregates: { count: string }[]; nextPageToken?: string }>(
        base,
        `/api/v1/aggregates?deviceId=${deviceId}&sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_HOUR&pageToken=${pageToken}`,
      );
      total += page.aggregates.reduce((sum, aggregate) => sum + Number(aggregate.count), 0);
      pageToken = page.nextPageToken ?? '';
    } while (pageToken);
  }
  return total;
}

/** Active keys any loadgen run issued to the devices; a device never registered has none. */
export async function activeLoadgenKeys(base: string, deviceIds: readonly string[]): Promise<number> {
  let active = 0;
  for (const deviceId of deviceIds) {
    const response = await fetch(`${base}/api/v1/devices/${deviceId}/keys`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    if (response.status === 404) continue;
    if (response.status !== 200) throw new Error(`GET keys of ${deviceId}: HTTP ${response.status}`);
    const { keys } = (await response.json()) as { keys: { state: string; description: string }[] };
    active += keys.filter((k) => k.state === 'KEY_STATE_ACTIVE' && isLoadgenKey(k)).length;
  }
  return active;
}
