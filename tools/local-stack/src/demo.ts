import { setTimeout as sleep } from 'node:timers/promises';
import { DemoFailures } from './demo-failures.js';

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

const FLEET: readonly DemoDevice[] = [
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

/** The description of the keys the demo issues: it revokes only keys that carry it. */
export const DEMO_KEY_DESCRIPTION = 'iot-mesh local demo';
/** What earlier versions of the demo called their keys; stacks with their data may hold ten of them. */
const EARLIER_DEMO_KEY_DESCRIPTION = 'local demo';
export const DEMO_RULE_NAME = 'demo: boiler too hot';
const BOILER = 'demo-thermo-1';

export interface DemoOptions {
  /** Time between two rounds of readings (one simulated second each); 1000 by default. */
  tickMs?: number;
  /** How often failed calls are summed up while they go on; 30 s by default. */
  failureSummaryMs?: number;
  /** Where the demo's lines go; console.log by default. */
  log?: (line: string) => void;
}

/** A call the demo cannot do without failed: the demo stops (the stack goes on). */
export class DemoSetupError extends Error {
  override readonly name = 'DemoSetupError';
}

interface Answer {
  status: number;
  body: unknown;
}

/** How a call is authorised: the operator token, or a device's API key (never the token for a device). */
type As = { operator: string } | { apiKey: string };

/** One REST call; a call that got no answer throws an Error saying why ("fetch failed: ..."). */
async function call(baseUrl: string, as: As, method: string, path: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> =
    'apiKey' in as ? { 'x-api-key': as.apiKey } : { authorization: `Bearer ${as.operator}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let text: string;
  let status: number;
  try {
    const response = await fetch(baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    const { message, cause } = error as { message: string; cause?: { message?: string } };
    throw new Error(`${message}${cause?.message ? `: ${cause.message}` : ''}`, { cause: error });
  }
  let parsed: unknown = text;
  try {
    parsed = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    // not JSON: described as text
  }
  return { status, body: parsed };
}

/** "HTTP 429 DEVICE_KEY.LIMIT", and the gateway's message apart, from an error answer. */
function refusal(answer: Answer): { kind: string; message: string } {
  const error = (answer.body as { error?: { reason?: unknown; message?: unknown } } | undefined)?.error;
  if (error && typeof error === 'object') {
    const text = (value: unknown) =>
      typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
    const kind = `HTTP ${answer.status}${error.reason ? ` ${text(error.reason)}` : ''}`;
    return { kind, message: `${kind}: ${text(error.message)}` };
  }
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? '');
  const kind = `HTTP ${answer.status}`;
  return { kind, message: `${kind}: ${text.length > 200 ? `${text.slice(0, 200)}...` : text}` };
}

/** The setup calls: each must get one of the answers it expects, or the demo stops saying which failed. */
function setupClient(baseUrl: string, operatorToken: string) {
  return async <T>(method: string, path: string, expected: number[], body?: unknown): Promise<T> => {
    const answer = await call(baseUrl, { operator: operatorToken }, method, path, body).catch(
      (error: Error) => {
        throw new DemoSetupError(`${method} ${path} got no answer: ${error.message}`);
      },
    );
    if (!expected.includes(answer.status))
      throw new DemoSetupError(`${method} ${path} answered ${refusal(answer).message}`);
    return answer.body as T;
  };
}
type Setup = ReturnType<typeof setupClient>;

interface KeySummary {
  keyId?: string;
  state?: string;
  description?: string;
}

const isDemoKey = (key: KeySummary) =>
  key.description === DEMO_KEY_DESCRIPTION || key.description === EARLIER_DEMO_KEY_DESCRIPTION;

/**
 * Registers the device (or reuses it) and gives it a fresh key, after revoking the keys earlier demo
 * runs issued it: the registry allows a device ten active keys, and the data outlives every run (a
 * run that was killed too), so each start would otherwise leave one more behind.
 */
async function prepareDevice(setup: Setup, device: DemoDevice): Promise<string> {
  await setup('POST', '/api/v1/devices', [201, 409], {
    id: device.id,
    name: `Demo ${device.id}`,
    type: device.type,
    customType: device.customType,
    ownerEmail: 'demo@example.com',
    status: 'DEVICE_STATUS_ACTIVE',
    location: { site: 'demo-site' },
  });
  const keys = `/api/v1/devices/${encodeURIComponent(device.id)}/keys`;
  const listed = await setup<{ keys?: KeySummary[] }>('GET', keys, [200]);
  for (const key of listed.keys ?? []) {
    if (key.state === 'KEY_STATE_ACTIVE' && isDemoKey(key) && key.keyId)
      await setup('POST', `${keys}/${encodeURIComponent(key.keyId)}/revoke`, [200]);
  }
  const issued = await setup<{ apiKey?: unknown }>('POST', keys, [201], {
    description: DEMO_KEY_DESCRIPTION,
  });
  if (typeof issued?.apiKey !== 'string' || issued.apiKey === '')
    throw new DemoSetupError(`POST ${keys} answered without an apiKey`);
  return issued.apiKey;
}

/** The id of the demo's rule, created on the first run. */
async function demoRuleId(setup: Setup): Promise<string> {
  let pageToken = '';
  do {
    const path = `/api/v1/rules?sensorType=SENSOR_TYPE_TEMPERATURE&pageSize=1000${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`;
    const page = await setup<{ rules?: { id: string; name: string }[]; nextPageToken?: string }>(
      'GET',
      path,
      [200],
    );
    const rule = page.rules?.find((r) => r.name === DEMO_RULE_NAME);
    if (rule) return rule.id;
    pageToken = page.nextPageToken ?? '';
  } while (pageToken);
  const created = await setup<{ id?: string }>('POST', '/api/v1/rules', [201], {
    name: DEMO_RULE_NAME,
    scope: { deviceId: BOILER },
    sensorType: 'SENSOR_TYPE_TEMPERATURE',
    operator: 'OPERATOR_GREATER_THAN',
    threshold: 30,
    hysteresis: 2,
    forDuration: '5s',
    severity: 'SEVERITY_CRITICAL',
    enabled: true,
  });
  if (!created?.id) throw new DemoSetupError('POST /api/v1/rules answered without a rule id');
  return created.id;
}

interface AlertSummary {
  id?: string;
  state?: string;
  value?: number;
}

/**
 * Publishes one reading per device and quantity per round (a second by default) until `signal` aborts,
 * and prints the boiler alert's changes as they happen. Throws a DemoSetupError naming the call when a
 * call it needs to start fails; failed calls while it runs are told and summed up, and it goes on.
 */
export async function runDemo(
  baseUrl: string,
  operatorToken: string,
  signal: AbortSignal,
  options: DemoOptions = {},
): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const setup = setupClient(baseUrl, operatorToken);
  const keys = new Map<string, string>();
  let ruleId: string;
  const alertsPath = (id: string) =>
    `/api/v1/alerts?deviceId=${BOILER}&ruleId=${encodeURIComponent(id)}&pageSize=1`;
  let lastAlert: string;
  try {
    for (const device of FLEET) keys.set(device.id, await prepareDevice(setup, device));
    ruleId = await demoRuleId(setup);
    // The alert as it stands, from an earlier run perhaps: only changes from here on are news.
    const { alerts } = await setup<{ alerts?: AlertSummary[] }>('GET', alertsPath(ruleId), [200]);
    lastAlert = alerts?.[0] ? `${alerts[0].id} ${alerts[0].state}` : '';
  } catch (error) {
    if (signal.aborted) return; // the stack is stopping: its calls fail, and that is no news
    throw error;
  }
  const run = Date.now().toString(36);
  log(
    `\ndemo: ${FLEET.length} devices publishing every second; a heat spike fires "${DEMO_RULE_NAME}" within a minute`,
  );
  log(
    `  curl -H 'Authorization: Bearer ${operatorToken}' '${baseUrl}/api/v1/aggregates?deviceId=demo-thermo-1&sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_MINUTE'`,
  );
  log(
    `  curl -H 'Authorization: Bearer ${operatorToken}' '${baseUrl}/api/v1/aggregates?deviceId=demo-air-1&sensorType=SENSOR_TYPE_CUSTOM&window=WINDOW_ONE_MINUTE'`,
  );
  log(`  curl -N -H 'Authorization: Bearer ${operatorToken}' '${baseUrl}/api/v1/alerts/stream'\n`);

  const failures = new DemoFailures(log, options.failureSummaryMs ?? 30_000);
  /** One call of the running demo: its answer when it succeeded; a failure is counted and told. */
  const attempt = async (
    as: As,
    method: string,
    path: string,
    subject: string,
    body?: unknown,
  ): Promise<unknown> => {
    const route = `${method} ${path.split('?')[0]}`;
    let answer: Answer;
    try {
      answer = await call(baseUrl, as, method, path, body);
    } catch (error) {
      if (!signal.aborted)
        failures.failedCall(`${route}${subject}`, `${route}: no answer`, (error as Error).message);
      return undefined;
    }
    if (answer.status >= 200 && answer.status < 300) {
      failures.succeeded();
      return answer.body;
    }
    const { kind, message } = refusal(answer);
    if (!signal.aborted) failures.failedCall(`${route}${subject}`, `${route}: ${kind}`, message);
    return undefined;
  };

  for (let t = 0; !signal.aborted; t++) {
    await Promise.all(
      FLEET.flatMap((device) =>
        device.sensors.map((sensor) =>
          attempt({ apiKey: keys.get(device.id)! }, 'POST', '/api/v1/readings', ` for ${device.id}`, {
            readingId: `demo-${run}-${t}-${device.id}${sensor.customSensor ? `-${sensor.customSensor}` : ''}`,
            sensorType: device.type,
            customSensor: sensor.customSensor,
            value: Number(sensor.value(t).toFixed(2)),
            unit: sensor.unit,
            timestamp: new Date().toISOString(),
          }),
        ),
      ),
    );
    const listed = (await attempt({ operator: operatorToken }, 'GET', alertsPath(ruleId), '')) as
      { alerts?: AlertSummary[] } | undefined;
    const alert = listed?.alerts?.[0];
    if (alert && !signal.aborted) {
      const now = `${alert.id} ${alert.state}`;
      if (now !== lastAlert)
        log(
          `demo: boiler alert is now ${String(alert.state).replace('ALERT_STATE_', '')} (value ${alert.value})`,
        );
      lastAlert = now;
    }
    if (!signal.aborted) failures.tick();
    await sleep(options.tickMs ?? 1000, undefined, { signal }).catch(() => undefined);
  }
}
