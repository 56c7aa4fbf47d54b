module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'reliability',
  testTimeout: 300_000,
  // Every spec starts the whole platform; one at a time keeps the faults and figures their own.
  maxWorkers: 1,
};
