module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'device-registry',
  testTimeout: 30_000,
};
