// Bundles one app (its own code and the workspace libs it imports) into dist/apps/<app>/main.js, plus any extra entries named on the command line.
// npm packages stay external: they are installed from the lockfile (`npm ci --omit=dev` in images).
import { existsSync, readdirSync } from 'node:fs';
import { build } from 'esbuild';

const app = process.argv[2];
if (!app) {
  console.error('usage: node tools/build-app.mjs <app-name> [entry...]   (entries default to main)');
  process.exit(1);
}
const root = app.startsWith('tools/') || app === 'bench' ? app : `apps/${app}`;
// Extra entries (e.g. `cli/rotate-keys`) are bundled beside main.js, named after their file. By
// default: main plus every command in src/cli/ (so images carry an app's CLIs, e.g. keys:rotate).
const cliDir = `${root}/src/cli`;
const clis = existsSync(cliDir)
  ? readdirSync(cliDir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
      .map((f) => `cli/${f.slice(0, -3)}`)
  : [];
const entries = process.argv.length > 3 ? process.argv.slice(3) : ['main', ...clis];
for (const entry of entries)
  await build({
    entryPoints: [`${root}/src/${entry}.ts`],
    outfile: `dist/${root}/${entry.split('/').at(-1)}.js`,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: true,
    tsconfig: 'tsconfig.base.json',
    logLevel: 'warning',
  });
