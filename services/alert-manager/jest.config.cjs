module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'alert-manager',
  testTimeout: 30_000,
};
