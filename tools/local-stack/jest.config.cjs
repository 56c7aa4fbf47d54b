module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'local-stack',
  testTimeout: 60_000,
};
