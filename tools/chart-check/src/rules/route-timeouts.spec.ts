import { object } from './fixtures.testing.js';
import { durationMs, routeTimeoutsOutlastCallerDeadlines } from './route-timeouts.js';

const service = (...http: Record<string, unknown>[]) => object('VirtualService', 'shop', { http });
const unary = (timeout: string, perTryTimeout?: string) => ({
  name: 'default',
  timeout,
  retries: { attempts: 2, retryOn: 'connect-failure', ...(perTryTimeout && { perTryTimeout }) },
});
const callers = { shop: 5000 };

describe('routeTimeoutsOutlastCallerDeadlines', () => {
  it("accepts timeouts above the callers' longest deadline, streams without one, and services nobody calls", () => {
    expect(routeTimeoutsOutlastCallerDeadlines([service(unary('10s', '5001ms'))], callers)).toEqual([]);
    expect(routeTimeoutsOutlastCallerDeadlines([service({ name: 'streams', retries: {} })], callers)).toEqual(
      [],
    );
    expect(routeTimeoutsOutlastCallerDeadlines([service(unary('1s', '1s'))], {})).toEqual([]);
  });

  it("reports a per-try timeout below, and a timeout at, the callers' longest deadline", () => {
    expect(routeTimeoutsOutlastCallerDeadlines([service(unary('10s', '4s'))], callers)).toEqual([
      "VirtualService shop/shop route default: perTryTimeout 4s is not above its callers' longest deadline, 5000ms",
    ]);
    expect(routeTimeoutsOutlastCallerDeadlines([service(unary('5s'))], callers)).toEqual([
      "VirtualService shop/shop route default: timeout 5s is not above its callers' longest deadline, 5000ms",
    ]);
  });

  it('leaves routes only the ingress Gateway takes to the gateway values', () => {
    const ingress = { ...unary('1s'), name: 'gateway-rest', match: [{ gateways: ['istio-system/gw'] }] };
    const both = { ...unary('1s'), name: 'reads', match: [{ gateways: ['mesh'] }] };
    expect(routeTimeoutsOutlastCallerDeadlines([service(ingress, both)], callers)).toEqual([
      "VirtualService shop/shop route reads: timeout 1s is not above its callers' longest deadline, 5000ms",
    ]);
  });
});

describe('durationMs', () => {
  it.each([
    ['250ms', 250],
    ['6s', 6000],
    ['2m', 120_000],
    ['1h', 3_600_000],
  ])('reads %s', (value, ms) => expect(durationMs(value)).toBe(ms));

  it('reads nothing else', () => {
    expect(durationMs('1.5s')).toBeUndefined();
    expect(durationMs(5)).toBeUndefined();
  });
});
