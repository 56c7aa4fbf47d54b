module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'chart-check',
  testTimeout: 60_000,
};
