module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'container-check',
  // Loading the services' config schemas pulls in the platform sources through ts-jest.
  testTimeout: 60_000,
};
