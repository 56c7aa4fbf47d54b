module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'chart-check',
  testTimeout: 60_000,
  // Spec files run `helm dependency build` into the same helm/<chart>/charts folders; one worker keeps
  // them from writing a chart archive while another render reads it. The whole suite takes seconds.
  maxWorkers: 1,
};
