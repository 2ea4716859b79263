// Fast, offline checks of the deployment files (kustomize render + Kubernetes API types + policy
// assertions; the compose file and Dockerfile). The real compose run is `npm run test:compose`.
module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'deploy-tests',
  rootDir: __dirname,
  testTimeout: 60_000,
};
