import type { ServiceProcess } from '@iot-mesh/platform/testing';
import type { CreateRuleRequest } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { NEW_RULE as rule, rest, startGateway } from './gateway-process.js';

describe('a rule created over REST', () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    stubs = await startDownstreamStubs();
    // The alert manager answers with the rule as it was asked to create it.
    stubs.answer('CreateRule', ({ rule: created }: CreateRuleRequest) => ({ rule: created }));
    gateway = await startGateway(stubs.env);
  });
  afterAll(async () => {
    await gateway?.stop();
    await stubs?.stop();
  });

  const created = () => stubs.requests<CreateRuleRequest>('CreateRule').at(-1)?.rule?.enabled;

  it('is enabled when it does not say', async () => {
    const answer = await rest(gateway, 'POST', '/api/v1/rules', { body: rule });
    expect(answer.status).toBe(201);
    expect(created()).toBe(true);
    expect(answer.body).toMatchObject({ enabled: true });
  });

  it('is disabled when it says so', async () => {
    const answer = await rest(gateway, 'POST', '/api/v1/rules', { body: { ...rule, enabled: false } });
    expect(answer.status).toBe(201);
    expect(created()).toBe(false);
  });

  it('keeps proto3 defaults on the pass-through route, as gRPC does', async () => {
    const answer = await rest(gateway, 'POST', '/api/v1/alert-manager/CreateRule', { body: { rule } });
    expect(answer.status).toBe(200);
    expect(created()).toBe(false);
  });
});
