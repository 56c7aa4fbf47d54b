import { NotFoundError, toGrpcError } from '@iot-mesh/platform';
import { startTcpProxy, type ServiceProcess, type TcpProxy } from '@iot-mesh/platform/testing';
import type { CreateRuleRequest } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { errorOf, NEW_RULE as rule, rest, startGateway } from './gateway-process.js';

// A write whose request reached the alert manager but whose answer was lost may have happened: the
// operator must not be told "unavailable" (503, not taken), after which a repeat would duplicate it.
describe('a write to the alert manager whose answer is lost', () => {
  let stubs: DownstreamStubs;
  let proxy: TcpProxy;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    stubs = await startDownstreamStubs();
    proxy = await startTcpProxy([Number(stubs.env['ALERT_MANAGER_ADDRESS'].split(':')[1])]);
    gateway = await startGateway({ ...stubs.env, ALERT_MANAGER_ADDRESS: proxy.address });
  });
  afterAll(async () => {
    await gateway?.stop();
    await proxy?.close();
    await stubs?.stop();
  });

  it('is 504 DOWNSTREAM.OUTCOME_UNKNOWN for a new rule, which the alert manager did get', async () => {
    stubs.answer('CreateRule', ({ rule: created }: CreateRuleRequest) => {
      proxy.cut();
      return { rule: created };
    });
    const answer = await rest(gateway, 'POST', '/api/v1/rules', { body: rule });
    expect([answer.status, errorOf(answer).reason, errorOf(answer).service]).toEqual([
      504,
      'DOWNSTREAM.OUTCOME_UNKNOWN',
      'alert-manager',
    ]);
    expect(errorOf(answer).message).toMatch(/may have taken effect: check before repeating it/);
    expect(stubs.requests('CreateRule')).toHaveLength(1);
  });

  it('is not 404 for a deleted rule: the delete is not repeated into "not found"', async () => {
    let deleted = false;
    stubs.answer('DeleteRule', () => {
      if (deleted) return toGrpcError(new NotFoundError('RULE.NOT_FOUND', 'rule r-1 not found'));
      deleted = true;
      proxy.cut();
      return {};
    });
    const answer = await rest(gateway, 'DELETE', '/api/v1/rules/r-1');
    expect([answer.status, errorOf(answer).reason]).toEqual([504, 'DOWNSTREAM.OUTCOME_UNKNOWN']);
    expect(stubs.requests('DeleteRule')).toHaveLength(1);
  });

  it('is 503 when the alert manager is not listening: the request never left the gateway', async () => {
    await proxy.close();
    const answer = await rest(gateway, 'POST', '/api/v1/rules', { body: rule });
    expect([answer.status, errorOf(answer).reason, errorOf(answer).message]).toEqual([
      503,
      'DOWNSTREAM.UNAVAILABLE',
      'alert-manager is unavailable',
    ]);
  });
});
