// Builds the console's single-page app into dist/apps/console/public/: index.html, app.js, app.css, favicon.svg.
// Browser code only (no workspace lib, no npm package at run time). The page runs under a strict CSP
// (script-src 'self'; style-src 'self'), so the build refuses inline scripts, inline styles and
// anything loaded from elsewhere.
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const web = path.join(here, 'web');
const out = path.join(root, 'dist', 'apps', 'console', 'public');

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

const result = await build({
  entryPoints: [path.join(web, 'src', 'main.ts')],
  outfile: path.join(out, 'app.js'),
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  tsconfig: path.join(here, 'tsconfig.web.json'),
  logLevel: 'warning',
  metafile: true,
  absWorkingDir: root,
});
// Nothing from node_modules or the workspace libs may end up in the page.
const foreign = Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('apps/console/web/src/'));
if (foreign.length) throw new Error(`the console bundle must hold its own code only, found: ${foreign.join(', ')}`);

const html = await readFile(path.join(web, 'index.html'), 'utf8');
const problems = [
  [/<script(?![^>]*\bsrc=)[^>]*>/i, 'an inline <script>'],
  [/<style[\s>]/i, 'a <style> element'],
  [/\sstyle\s*=/i, 'a style attribute'],
  [/\son[a-z]+\s*=/i, 'an inline event handler'],
  [/(src|href)\s*=\s*["']?(https?:)?\/\//i, 'an asset from another origin'],
  [/(src|href)\s*=\s*["']?\//i, 'a root-absolute asset path (assets are relative to /console/)'],
].filter(([pattern]) => pattern.test(html));
if (problems.length)
  throw new Error(`index.html has ${problems.map(([, what]) => what).join(', ')}: the CSP forbids it`);
const css = await readFile(path.join(web, 'styles.css'), 'utf8');
if (/@import|url\(\s*["']?(https?:)?\/\//i.test(css)) throw new Error('styles.css loads something from elsewhere');

await writeFile(path.join(out, 'index.html'), html);
await writeFile(path.join(out, 'app.css'), css);
await copyFile(path.join(web, 'favicon.svg'), path.join(out, 'favicon.svg'));
console.log(`console built into ${path.relative(root, out)}/`);
