module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'storage',
  testTimeout: 30_000,
};
