import { buildSync } from 'esbuild';
import path from 'node:path';

type SharedClusterModule = typeof import('./shared-cluster');

/**
 * Jest runs its global setup outside the test module registry, so the workspace path aliases
 * (`@jwt-msa/*`) do not resolve here: the shared-cluster module is bundled first, the way the
 * apps are (tools/build-app.mjs), and the same bundle serves the teardown.
 */
export function loadSharedClusterModule(): SharedClusterModule {
  const bundle = process.env['E2E_SHARED_CLUSTER_BUNDLE'] ?? bundleSharedCluster();
  process.env['E2E_SHARED_CLUSTER_BUNDLE'] = bundle;
  // A bundle made at run time: only require() can load it from a path.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(bundle) as SharedClusterModule;
}

function bundleSharedCluster(): string {
  const root = path.resolve(__dirname, '..', '..');
  // Inside the checkout, so the bundle resolves the npm packages it leaves external.
  // Three levels below the root, like every bundle (libs/cluster finds the app bundles from there).
  const outfile = path.join(root, 'dist', 'e2e', 'setup', 'shared-cluster.js');
  buildSync({
    entryPoints: [path.join(__dirname, 'shared-cluster.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    absWorkingDir: root,
    tsconfig: path.join(root, 'tsconfig.base.json'),
    logLevel: 'warning',
  });
  return outfile;
}

export default () => loadSharedClusterModule().startSharedCluster();
