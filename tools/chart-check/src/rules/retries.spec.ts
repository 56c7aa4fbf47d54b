import { object } from './fixtures.testing.js';
import { retriesLeaveRefusalsAndCancels } from './retries.js';

const service = (...retryOn: string[]) =>
  object('VirtualService', 'shop', {
    http: retryOn.map((conditions, index) => ({
      name: `r${index}`,
      retries: { attempts: 2, retryOn: conditions },
    })),
  });

describe('retriesLeaveRefusalsAndCancels', () => {
  it('accepts failures before the request reached the app, and UNAVAILABLE', () => {
    expect(
      retriesLeaveRefusalsAndCancels([service('connect-failure,refused-stream', 'unavailable')]),
    ).toEqual([]);
    expect(
      retriesLeaveRefusalsAndCancels([object('VirtualService', 'shop', { http: [{ name: 'x' }] })]),
    ).toEqual([]);
  });

  it('reports a route that retries RESOURCE_EXHAUSTED or CANCELLED', () => {
    expect(
      retriesLeaveRefusalsAndCancels([
        service(
          'connect-failure,refused-stream,unavailable,cancelled,resource-exhausted',
          'unavailable, cancelled',
        ),
      ]),
    ).toEqual([
      'VirtualService shop/shop route r0: retryOn has resource-exhausted, cancelled',
      'VirtualService shop/shop route r1: retryOn has cancelled',
    ]);
  });
});
