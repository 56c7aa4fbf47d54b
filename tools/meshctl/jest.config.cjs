module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'meshctl',
  testTimeout: 60_000,
};
