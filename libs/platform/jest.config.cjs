module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'platform',
  testTimeout: 30_000,
};
