module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'edge-gateway',
  testTimeout: 30_000,
};
