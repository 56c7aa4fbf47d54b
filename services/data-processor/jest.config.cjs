module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'data-processor',
  testTimeout: 30_000,
};
