import { setTimeout as sleep } from 'node:timers/promises';

// The demo feeds a small fleet through the gateway's REST API, exactly as a real device would, so a
// new user sees aggregates fill and an alert fire and resolve within a minute.

/** One quantity a demo device measures; custom devices name theirs. */
interface DemoSensor {
  unit: string;
  customSensor?: string;
  /** Value at second `t`. */
  value(t: number): number;
}

interface DemoDevice {
  id: string;
  type: string;
  customType?: string;
  sensors: DemoSensor[];
}

const FLEET: DemoDevice[] = [
  {
    id: 'demo-thermo-1',
    type: 'SENSOR_TYPE_TEMPERATURE',
    // A slow wave, with a heat spike every two minutes.
    sensors: [{ unit: 'celsius', value: (t) => (t % 120 >= 20 && t % 120 < 50 ? 36 : 22) + Math.sin(t / 7) }],
  },
  {
    id: 'demo-hygro-1',
    type: 'SENSOR_TYPE_HUMIDITY',
    sensors: [{ unit: 'percent', value: (t) => 45 + 10 * Math.sin(t / 11) }],
  },
  {
    id: 'demo-baro-1',
    type: 'SENSOR_TYPE_PRESSURE',
    sensors: [{ unit: 'hpa', value: (t) => 1013 + 4 * Math.sin(t / 17) }],
  },
  {
    // Two custom quantities of one device: each gets windows of its own.
    id: 'demo-air-1',
    type: 'SENSOR_TYPE_CUSTOM',
    customType: 'air-quality',
    sensors: [
      { unit: 'ppm', customSensor: 'co2', value: (t) => 700 + 150 * Math.sin(t / 13) },
      { unit: 'db', customSensor: 'noise', value: (t) => 40 + 5 * Math.sin(t / 5) },
    ],
  },
];

type Rest = (
  method: string,
  path: string,
  body?: unknown,
  apiKey?: string,
) => Promise<{ status: number; body: unknown }>;

function restClient(baseUrl: string, operatorToken: string): Rest {
  return async (method, path, body, apiKey) => {
    const headers: Record<string, string> = apiKey
      ? { 'x-api-key': apiKey }
      : { authorization: `Bearer ${operatorToken}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
}

/** Registers the demo fleet (or reuses it) and gives every device a fresh key. */
async function registerFleet(rest: Rest): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  for (const device of FLEET) {
    const created = await rest('POST', '/api/v1/devices', {
      id: device.id,
      name: `Demo ${device.id}`,
      type: device.type,
      customType: device.customType,
      ownerEmail: 'demo@example.com',
      status: 'DEVICE_STATUS_ACTIVE',
      location: { site: 'demo-site' },
    });
    if (created.status !== 201 && created.status !== 409)
      throw new Error(`registering ${device.id} failed: ${JSON.stringify(created.body)}`);
    const key = await rest('POST', `/api/v1/devices/${device.id}/keys`, { description: 'local demo' });
    keys.set(device.id, (key.body as { apiKey: string }).apiKey);
  }
  const rules = (await rest('GET', '/api/v1/rules')).body as { rules?: { name: string }[] };
  if (!rules.rules?.some((rule) => rule.name === 'demo: boiler too hot')) {
    await rest('POST', '/api/v1/rules', {
      name: 'demo: boiler too hot',
      scope: { deviceId: 'demo-thermo-1' },
      sensorType: 'SENSOR_TYPE_TEMPERATURE',
      operator: 'OPERATOR_GREATER_THAN',
      threshold: 30,
      hysteresis: 2,
      forDuration: '5s',
      severity: 'SEVERITY_CRITICAL',
      enabled: true,
    });
  }
  return keys;
}

/** Publishes one reading per device per second until `signal` aborts; prints alert changes as they happen. */
export async function runDemo(baseUrl: string, operatorToken: string, signal: AbortSignal): Promise<void> {
  const rest = restClient(baseUrl, operatorToken);
  const keys = await registerFleet(rest);
  const run = Date.now().toString(36);
  console.log(
    `\ndemo: ${FLEET.length} devices publishing every second; a heat spike fires "demo: boiler too hot" within a minute`,
  );
  console.log(
    `  curl -H 'Authorization: Bearer ${operatorToken}' '${baseUrl}/api/v1/aggregates?deviceId=demo-thermo-1&sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_MINUTE'`,
  );
  console.log(
    `  curl -H 'Authorization: Bearer ${operatorToken}' '${baseUrl}/api/v1/aggregates?deviceId=demo-air-1&sensorType=SENSOR_TYPE_CUSTOM&window=WINDOW_ONE_MINUTE'`,
  );
  console.log(`  curl -N -H 'Authorization: Bearer ${operatorToken}' '${baseUrl}/api/v1/alerts/stream'\n`);
  let lastState = '';
  for (let t = 0; !signal.aborted; t++) {
    await Promise.all(
      FLEET.flatMap((device) =>
        device.sensors.map((sensor) =>
          rest(
            'POST',
            '/api/v1/readings',
            {
              readingId: `demo-${run}-${t}-${device.id}${sensor.customSensor ? `-${sensor.customSensor}` : ''}`,
              sensorType: device.type,
              customSensor: sensor.customSensor,
              value: Number(sensor.value(t).toFixed(2)),
              unit: sensor.unit,
              timestamp: new Date().toISOString(),
            },
            keys.get(device.id),
          ),
        ),
      ),
    );
    const alerts = (await rest('GET', '/api/v1/alerts?deviceId=demo-thermo-1&pageSize=1')).body as {
      alerts?: { state: string; value: number }[];
    };
    const state = alerts.alerts?.[0]?.state ?? '';
    if (state && state !== lastState)
      console.log(
        `demo: boiler alert is now ${state.replace('ALERT_STATE_', '')} (value ${alerts.alerts![0].value})`,
      );
    lastState = state;
    await sleep(1000, undefined, { signal }).catch(() => undefined);
  }
}
