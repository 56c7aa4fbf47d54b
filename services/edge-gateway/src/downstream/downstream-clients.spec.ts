import type { DownstreamName } from '../config.js';
import { DOWNSTREAM_APIS, passThroughMethods } from './downstream-clients.js';

describe('the downstream methods', () => {
  it.each(Object.entries(DOWNSTREAM_APIS))(
    'of %s kept from the pass-through are methods the gateway calls',
    (_name, api) => {
      expect(api.allowed).toEqual(expect.arrayContaining(api.gatewayOnly ?? []));
    },
  );

  it('keep VerifyDeviceKey, the authentication of devices, from the pass-through, and no other', () => {
    expect(DOWNSTREAM_APIS['device-registry'].allowed).toContain('VerifyDeviceKey');
    expect(passThroughMethods('device-registry')).not.toContain('VerifyDeviceKey');
    for (const name of Object.keys(DOWNSTREAM_APIS) as DownstreamName[])
      expect(passThroughMethods(name).length).toBe(
        DOWNSTREAM_APIS[name].allowed.length - (name === 'device-registry' ? 1 : 0),
      );
  });
});
