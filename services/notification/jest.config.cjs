module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'notification',
  testTimeout: 30_000,
};
