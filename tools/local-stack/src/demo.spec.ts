import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import { eventually } from '@iot-mesh/platform/testing';
import { DemoFailures } from './demo-failures.js';
import { runDemo, type DemoOptions } from './demo.js';
import { startScratchStack, type ScratchStack } from './scratch-stack.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TOKEN = 'demo-test-operator-token';
const BOILER = 'demo-thermo-1';

/**
 * One start of the demo, as `npm start -- --demo` makes it: its lines are read from console.log (the
 * demo's default output). `stopWhen` aborts it once a line matches; it runs until `stop()` otherwise.
 */
function startDemo(baseUrl: string, options: DemoOptions = {}, stopWhen?: (line: string) => boolean) {
  const lines: string[] = [];
  const controller = new AbortController();
  const log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    const line = args.join(' ');
    lines.push(line);
    if (stopWhen?.(line)) controller.abort();
  });
  const done = runDemo(baseUrl, TOKEN, controller.signal, options).finally(() => log.mockRestore());
  done.catch(() => undefined); // awaited by the caller; no unhandled rejection meanwhile
  return {
    lines,
    done,
    stop: async () => {
      controller.abort();
      await done.catch(() => undefined);
    },
  };
}

describe('the demo counts and tells failed calls', () => {
  it('tells the first failure at once, then sums failures up once a period', () => {
    const lines: string[] = [];
    let now = 0;
    const failures = new DemoFailures(
      (line) => lines.push(line),
      30_000,
      () => now,
    );
    failures.failedCall(
      'POST /x for a',
      'POST /x: HTTP 401 AUTH.INVALID_KEY',
      'HTTP 401 AUTH.INVALID_KEY: no',
    );
    failures.failedCall(
      'POST /x for b',
      'POST /x: HTTP 401 AUTH.INVALID_KEY',
      'HTTP 401 AUTH.INVALID_KEY: no',
    );
    failures.succeeded();
    failures.tick();
    expect(lines).toEqual([
      'demo: POST /x for a failed: HTTP 401 AUTH.INVALID_KEY: no (the demo goes on and sums up failed calls every 30 s)',
    ]);
    now = 30_000;
    failures.tick();
    expect(lines[1]).toBe(
      'demo: 2 of 3 calls failed in the last 30 s: 2 × POST /x: HTTP 401 AUTH.INVALID_KEY',
    );
    now = 60_000;
    failures.succeeded();
    failures.tick();
    expect(lines[2]).toBe('demo: calls succeed again');
    failures.failedCall('GET /y', 'GET /y: no answer', 'fetch failed');
    expect(lines[3]).toMatch(/^demo: GET \/y failed: fetch failed/);
    expect(lines).toHaveLength(4);
  });
});

describe('the demo against a gateway that refuses its readings', () => {
  let server: Server;
  let baseUrl: string;
  const readings: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const path = (request.url ?? '').split('?')[0];
      const answer = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      request.resume();
      request.on('end', () => {
        if (request.method === 'POST' && path === '/api/v1/readings') {
          readings.push(request.headers);
          return answer(401, { error: { code: 16, reason: 'AUTH.INVALID_KEY', message: 'invalid API key' } });
        }
        if (request.method === 'POST' && path === '/api/v1/devices') return answer(409, {});
        if (request.method === 'GET' && path.endsWith('/keys')) return answer(200, { keys: [] });
        if (request.method === 'POST' && path.endsWith('/keys')) return answer(201, { apiKey: 'device-key' });
        if (path === '/api/v1/rules')
          return answer(200, { rules: [{ id: 'r1', name: 'demo: boiler too hot' }] });
        if (path === '/api/v1/alerts') return answer(200, { alerts: [] });
        answer(404, {});
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('says so at once and then once a period, and never sends readings with the operator token', async () => {
    const demo = startDemo(baseUrl, { tickMs: 50, failureSummaryMs: 400 });
    try {
      await eventually(
        () => demo.lines.find((l) => l.includes('calls failed in the last')),
        'a summary',
        5000,
      );
    } finally {
      await demo.stop();
    }
    const failed = demo.lines.filter((l) => l.includes(' failed'));
    expect(failed[0]).toMatch(
      /^demo: POST \/api\/v1\/readings for demo-[a-z]+-1 failed: HTTP 401 AUTH.INVALID_KEY: invalid API key/,
    );
    expect(failed[1]).toMatch(
      /^demo: \d+ of \d+ calls failed in the last \d+ s: \d+ × POST \/api\/v1\/readings: HTTP 401 AUTH.INVALID_KEY$/,
    );
    expect(readings.length).toBeGreaterThan(0);
    expect(readings.every((h) => h['x-api-key'] === 'device-key' && !h.authorization)).toBe(true);
  });
});

/** Runs on a scratch stack (free ports, its own data); every test reuses that data, as restarts do. */
describe('the demo over kept data (a scratch stack)', () => {
  let scratch: ScratchStack;
  const operator = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(scratch.httpBaseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const activeKeys = async (deviceId: string) =>
    (
      (await operator('GET', `/api/v1/devices/${deviceId}/keys`)).body.keys as {
        keyId: string;
        state: string;
        description: string;
      }[]
    ).filter((k) => k.state === 'KEY_STATE_ACTIVE');
  const storedReadings = async (deviceId: string) => {
    const { body } = await operator(
      'GET',
      `/api/v1/aggregates?deviceId=${deviceId}&sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_MINUTE&pageSize=1000`,
    );
    return ((body.aggregates ?? []) as { count: number | string }[]).reduce(
      (sum, a) => sum + Number(a.count),
      0,
    );
  };

  /** A start that ends once set up (the banner): the fleet, a key each, the rule. */
  const startAndEndOnceSetUp = async () => {
    const demo = startDemo(scratch.httpBaseUrl, {}, (line) => line.includes('devices publishing'));
    await demo.done;
    expect(demo.lines.join('\n')).toContain('devices publishing');
  };
  const revokeEveryKey = async (deviceId: string) => {
    for (const key of await activeKeys(deviceId))
      await operator('POST', `/api/v1/devices/${deviceId}/keys/${key.keyId}/revoke`);
  };

  beforeAll(async () => {
    scratch = await startScratchStack(ROOT, TOKEN);
  }, 120_000);
  afterAll(async () => {
    await scratch?.close();
  });

  it('publishes, and fires the boiler alert, after more than ten starts', async () => {
    // Eleven starts that each end once set up, as a developer's restarts do.
    for (let start = 1; start <= 11; start++) await startAndEndOnceSetUp();
    const before = await storedReadings(BOILER);
    const demo = startDemo(scratch.httpBaseUrl, { tickMs: 250 });
    try {
      await eventually(
        () => demo.lines.find((l) => l.includes('boiler alert is now FIRING')),
        'the boiler alert firing',
        40_000,
      );
    } finally {
      await demo.stop();
    }
    expect(demo.lines.filter((l) => l.includes('failed'))).toEqual([]);
    await eventually(
      async () => ((await storedReadings(BOILER)) - before >= 20 ? true : undefined),
      '20 readings',
      10_000,
    );
    // One key of the demo's is active; the earlier starts' keys are revoked.
    expect(await activeKeys(BOILER)).toHaveLength(1);
  }, 90_000);

  it('prints nothing about the alert an earlier run left', async () => {
    await startAndEndOnceSetUp();
    // An earlier run's heat spike: the boiler alert fired and resolved. (Its key, beside the demo's.)
    await revokeEveryKey(BOILER);
    const { apiKey } = (await operator('POST', `/api/v1/devices/${BOILER}/keys`, { description: 'test' }))
      .body;
    const publish = (id: string, value: number, agoMs: number) =>
      fetch(`${scratch.httpBaseUrl}/api/v1/readings`, {
        method: 'POST',
        headers: { 'x-api-key': String(apiKey), 'content-type': 'application/json' },
        body: JSON.stringify({
          readingId: id,
          sensorType: 'SENSOR_TYPE_TEMPERATURE',
          value,
          unit: 'celsius',
          timestamp: new Date(Date.now() - agoMs).toISOString(),
        }),
      });
    await publish('old-1', 36, 8000);
    await publish('old-2', 36, 1000);
    await publish('old-3', 22, 0);
    await eventually(
      async () => {
        const { body } = await operator('GET', `/api/v1/alerts?deviceId=${BOILER}&pageSize=1`);
        return (body.alerts as { state: string }[])[0]?.state === 'ALERT_STATE_RESOLVED' ? true : undefined;
      },
      'the earlier alert resolved',
      15_000,
    );

    const demo = startDemo(scratch.httpBaseUrl, { tickMs: 250 });
    await eventually(
      () => demo.lines.find((l) => l.includes('devices publishing')),
      'the demo started',
      10_000,
    );
    await sleep(1500); // a few rounds, well before this run's heat spike
    await demo.stop();
    expect(demo.lines.filter((l) => l.includes('boiler alert'))).toEqual([]);
  }, 30_000);

  it('stops with one line naming the call when it cannot get a device key', async () => {
    await startAndEndOnceSetUp();
    // Someone else's keys fill the device: none is the demo's to revoke.
    await revokeEveryKey(BOILER);
    for (let i = 0; i < 10; i++)
      await operator('POST', `/api/v1/devices/${BOILER}/keys`, { description: 'not the demo' });

    const demo = startDemo(scratch.httpBaseUrl, { tickMs: 250 });
    const timer = new AbortController();
    try {
      const outcome = await Promise.race([
        demo.done.then(
          () => 'ended',
          (e: Error) => e,
        ),
        sleep(10_000, 'still running', { signal: timer.signal }).catch(() => 'still running'),
      ]);
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as Error).message).toMatch(
        /^POST \/api\/v1\/devices\/demo-thermo-1\/keys answered HTTP 429 DEVICE_KEY.LIMIT: [^\n]+$/,
      );
      expect(demo.lines.join('\n')).not.toContain('devices publishing');
    } finally {
      timer.abort();
      await demo.stop();
      await revokeEveryKey(BOILER);
    }
  }, 30_000);
});
