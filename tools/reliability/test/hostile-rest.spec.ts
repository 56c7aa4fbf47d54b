import fc from 'fast-check';
import { printFigures } from '../src/figures-table.js';
import { FUZZ_SEED, fuzzParameters } from '../src/fuzz-settings.js';
import { gatewayRest, registerDevice, type GatewayRest, type RestAnswer } from '../src/gateway-rest.js';
import { startMeshStack, type MeshStack } from '../src/mesh-stack.js';
import { restBodies } from '../src/rest-bodies.js';
import { storedDataProblems } from '../src/stored-data-check.js';

const nowIso = new Date().toISOString();
const bodies = restBodies(nowIso);

describe('hostile REST input to the gateway: always a 4xx with a JSON error, never a 5xx or a crash', () => {
  let stack: MeshStack;
  let rest: GatewayRest;
  let apiKey: string;
  const statuses: Record<string, number> = {};

  beforeAll(async () => {
    console.log(`hostile REST input: fast-check seed ${FUZZ_SEED} (set RELIABILITY_SEED to change)`);
    stack = await startMeshStack();
    rest = gatewayRest(() => stack.httpBaseUrl(), stack.operatorToken);
    apiKey = await registerDevice(rest, 'hostile-rest');
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  /** The contract for any input: below 500, and every refusal is a JSON error with a reason. */
  const answeredProperly = (answer: RestAnswer, okStatuses: number[]) => {
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    if (okStatuses.includes(answer.status)) return true;
    const error = (answer.json as { error?: { reason?: unknown; status?: unknown } } | undefined)?.error;
    const proper =
      answer.status >= 400 &&
      answer.status < 500 &&
      typeof error?.reason === 'string' &&
      typeof error.status === 'string';
    if (!proper) console.log(`improper answer ${answer.status}: ${answer.text.slice(0, 300)}`);
    return proper;
  };

  it('readings: malformed, deeply nested, spliced and wrong-typed bodies', async () => {
    await fc.assert(
      fc.asyncProperty(bodies.reading, async (rawBody) =>
        answeredProperly(await rest('POST', '/api/v1/readings', { as: { apiKey }, rawBody }), [200]),
      ),
      fuzzParameters(150),
    );
  });

  it('reading batches: hostile members, huge batches and bodies over the limit', async () => {
    await fc.assert(
      fc.asyncProperty(bodies.batch, async (rawBody) =>
        answeredProperly(await rest('POST', '/api/v1/readings/batch', { as: { apiKey }, rawBody }), [200]),
      ),
      fuzzParameters(60),
    );
    const many = (n: number) => ({
      readings: Array.from({ length: n }, (_, i) => ({
        readingId: `big-${i}`,
        sensorType: 'SENSOR_TYPE_TEMPERATURE',
        value: 20,
        unit: 'celsius',
        timestamp: nowIso,
      })),
    });
    const fixed = [
      await rest('POST', '/api/v1/readings/batch', { as: { apiKey }, body: many(1001) }),
      await rest('POST', '/api/v1/readings/batch', { as: { apiKey }, body: many(20_000) }),
      await rest('POST', '/api/v1/readings', {
        as: { apiKey },
        rawBody: JSON.stringify({ pad: 'x'.repeat(3_000_000) }),
      }),
      await rest('POST', '/api/v1/readings', { as: { apiKey }, rawBody: 'r1,20', contentType: 'text/csv' }),
    ];
    expect(fixed.map((a) => a.status)).toEqual([400, 413, 413, 415]);
    for (const answer of fixed) expect(answeredProperly(answer, [])).toBe(true);
  });

  it('devices and rules: hostile operator bodies', async () => {
    await fc.assert(
      fc.asyncProperty(bodies.device, async (body) =>
        answeredProperly(await rest('POST', '/api/v1/devices', { body }), [201]),
      ),
      fuzzParameters(80),
    );
    await fc.assert(
      fc.asyncProperty(bodies.rule, async (body) =>
        answeredProperly(await rest('POST', '/api/v1/rules', { body }), [201]),
      ),
      fuzzParameters(80),
    );
  });

  it('leaves the gateway alive and healthy, and nothing invalid stored', async () => {
    expect(stack.instance('edge-gateway').process.child.exitCode).toBeNull();
    expect((await rest('GET', '/health', { as: 'nobody' })).status).toBe(200);
    const problems = await storedDataProblems(stack);
    expect(problems.list).toEqual([]);
    printFigures('hostile REST input:', [
      ['fast-check seed', FUZZ_SEED],
      ['answers by status', JSON.stringify(statuses)],
      ['5xx answers', Object.entries(statuses).reduce((n, [s, c]) => (Number(s) >= 500 ? n + c : n), 0)],
      [
        'devices / rules / aggregates checked',
        `${problems.devices} / ${problems.rules} / ${problems.aggregates}`,
      ],
      ['invalid stored items', problems.list.length],
    ]);
  });
});
