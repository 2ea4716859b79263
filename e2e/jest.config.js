module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'e2e',
  rootDir: __dirname,
  testTimeout: 120_000,
  maxWorkers: 1,
  // One cluster shared by the suites that only talk to the system (src/shared-cluster.ts).
  globalSetup: '<rootDir>/src/global-setup.ts',
  globalTeardown: '<rootDir>/src/global-teardown.ts',
};
