module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'local-stack',
  testTimeout: 30_000,
};
