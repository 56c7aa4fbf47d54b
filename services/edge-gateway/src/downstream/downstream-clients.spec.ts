import { DOWNSTREAM_APIS } from './downstream-clients.js';

describe('the downstream methods', () => {
  it.each(Object.entries(DOWNSTREAM_APIS))(
    'of %s open to the pass-through are methods the gateway may call',
    (_name, api) => {
      expect(api.allowed).toEqual(expect.arrayContaining(api.passThrough));
    },
  );

  it('keep VerifyDeviceKey, the authentication of devices, from the pass-through', () => {
    expect(DOWNSTREAM_APIS['device-registry'].allowed).toContain('VerifyDeviceKey');
    expect(DOWNSTREAM_APIS['device-registry'].passThrough).not.toContain('VerifyDeviceKey');
  });
});
