// Bundles one app (its own code and the workspace libs it imports) into dist/apps/<app>/main.js.
// npm packages stay external: they are installed from the lockfile (`npm ci --omit=dev` in images).
import { build } from 'esbuild';

const app = process.argv[2];
if (!app) {
  console.error('usage: node tools/build-app.mjs <app-name> [entry]');
  process.exit(1);
}
const root = app.startsWith('tools/') ? app : `apps/${app}`;
await build({
  entryPoints: [`${root}/src/main.ts`],
  outfile: `dist/${root}/main.js`,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  tsconfig: 'tsconfig.base.json',
  logLevel: 'warning',
});
