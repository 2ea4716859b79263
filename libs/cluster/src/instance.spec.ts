import { getFreePort } from '@jwt-msa/testing';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Instance } from './instance';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'instance-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function instanceRunning(script: string, name: string) {
  const bundle = path.join(dir, `${name}.js`);
  await writeFile(bundle, script);
  const lines: string[] = [];
  const instance = new Instance({
    name,
    service: 'catalog',
    bundle,
    port: await getFreePort(),
    env: { GREETING: 'hi' },
    logFile: path.join(dir, `${name}.log`),
    onLine: (_n, line) => lines.push(line),
  });
  instance.start();
  return { instance, lines };
}

const server = `
  const http = require('node:http');
  const s = http.createServer((req, res) => res.end(process.env.GREETING + ' ' + process.env.INSTANCE_ID));
  s.listen(Number(process.env.PORT), process.env.HOST, () => console.log('listening'));
  process.on('SIGTERM', () => { console.log('draining'); s.close(() => process.exit(0)); });
`;

describe('Instance', () => {
  it('starts a replica with its env, waits for readiness, logs its output and stops it gracefully', async () => {
    const { instance, lines } = await instanceRunning(server, 'catalog-1');
    await instance.waitUntilReady(10_000);
    expect(await (await fetch(`${instance.url}/readyz`)).text()).toBe('hi catalog-1');
    expect(instance.running).toBe(true);
    expect(await instance.stop()).toBe(0);
    expect(instance.running).toBe(false);
    expect(lines).toEqual(['listening', 'draining']);
    expect(await readFile(path.join(dir, 'catalog-1.log'), 'utf8')).toBe('listening\ndraining\n');
  });

  it('reports a replica that dies during start-up with its last output', async () => {
    const { instance } = await instanceRunning(
      'console.error("DATABASE_URL is required"); process.exit(1);',
      'broken-1',
    );
    await expect(instance.waitUntilReady(10_000)).rejects.toThrow(
      /broken-1 exited during start-up:\nDATABASE_URL is required/,
    );
  });
});
