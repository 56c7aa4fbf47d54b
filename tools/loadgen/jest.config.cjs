module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'loadgen',
  testTimeout: 60_000,
};
