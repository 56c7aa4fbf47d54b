module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'sensor-ingestion',
  testTimeout: 30_000,
};
