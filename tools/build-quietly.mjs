// `npm start` and `npm run demo`: build one Nx project and what it runs, quietly. One progress line
// instead of Nx's task output; on a failure, that output in full. Nx caches: a warm start is quick.
import { spawn } from 'node:child_process';

const project = process.argv[2];
if (!project) {
  console.error('usage: node tools/build-quietly.mjs <nx-project>');
  process.exit(2);
}
const started = Date.now();
process.stdout.write(`Building what ${project} runs (a first build takes about a minute; later ones are cached)... `);
const nx = spawn('npx', ['nx', 'run', `${project}:build`, '--output-style=static'], {
  env: { ...process.env, NX_DAEMON: process.env.NX_DAEMON ?? 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const output = [];
nx.stdout.on('data', (chunk) => output.push(chunk));
nx.stderr.on('data', (chunk) => output.push(chunk));
nx.on('close', (code) => {
  if (code === 0) {
    console.log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return;
  }
  console.log('failed:\n');
  process.stderr.write(Buffer.concat(output));
  process.exit(code ?? 1);
});
