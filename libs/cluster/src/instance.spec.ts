import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { recordingServer } from '@jwt-msa/testing';
import { Instance, type InstanceExit } from './instance';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'instance-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function instanceRunning(script: string, name: string, port?: number) {
  const bundle = path.join(dir, `${name}.js`);
  await writeFile(bundle, script);
  const lines: string[] = [];
  const instance = new Instance({
    name,
    service: 'catalog',
    bundle,
    ...(port !== undefined && { port }),
    env: { GREETING: 'hi' },
    logFile: path.join(dir, `${name}.log`),
    onLine: (_n, line) => lines.push(line),
  });
  instance.start();
  return { instance, lines };
}

/** A replica as runService behaves: binds PORT (0 = any), says so over IPC, names itself in /readyz. */
const server = `
  const http = require('node:http');
  const s = http.createServer((req, res) => res.end(JSON.stringify({ status: 'ready', instance: process.env.INSTANCE_ID, greeting: process.env.GREETING })));
  s.listen(Number(process.env.PORT), process.env.HOST, () => { console.log('listening'); process.send({ type: 'listening', port: s.address().port }); });
  process.on('SIGTERM', () => { console.log('draining'); s.close(() => process.exit(0)); });
`;

describe('Instance', () => {
  it('starts a replica with its env on a port it reports, waits for its readiness, logs and stops it', async () => {
    const { instance, lines } = await instanceRunning(server, 'catalog-1');
    await instance.waitUntilReady(10_000);
    expect(instance.port).toBeGreaterThan(0);
    expect(await (await fetch(`${instance.url}/readyz`)).json()).toEqual({
      status: 'ready',
      instance: 'catalog-1',
      greeting: 'hi',
    });
    expect(instance.running).toBe(true);
    expect(await instance.stop()).toBe(0);
    expect(instance.running).toBe(false);
    expect(lines).toEqual(['listening', 'draining']);
    expect(await readFile(path.join(dir, 'catalog-1.log'), 'utf8')).toBe('listening\ndraining\n');
  });

  it('restarts on the port it had, so whoever knows its URL reaches it again', async () => {
    const { instance } = await instanceRunning(server, 'catalog-2');
    await instance.waitUntilReady(10_000);
    const first = instance.url;
    await instance.stop('SIGKILL');
    instance.start();
    await instance.waitUntilReady(10_000);
    expect(instance.url).toBe(first);
    await instance.stop();
  });

  it('reports a replica that dies during start-up with its last output', async () => {
    const { instance } = await instanceRunning(
      'console.error("DATABASE_URL is required"); process.exit(1);',
      'broken-1',
    );
    await expect(instance.waitUntilReady(10_000)).rejects.toThrow(
      /broken-1 exited during start-up \(exit code 1\):\nDATABASE_URL is required/,
    );
  });

  it('does not take a foreign server answering /readyz on its port for itself', async () => {
    const foreign = await recordingServer(() => ({ body: { status: 'ready', instance: 'gateway-1' } }));
    // The replica cannot bind the taken port: it fails, and the foreign answer never counts as ready.
    const stubborn = `
      const http = require('node:http');
      process.send({ type: 'listening', port: Number(process.env.PORT) });
      setInterval(() => {}, 1000);
    `;
    const { instance } = await instanceRunning(stubborn, 'gateway-1x', foreign.port);
    try {
      await expect(instance.waitUntilReady(5_000)).rejects.toThrow(
        /gateway-1x is not what answers on port \d+ \(readiness named "gateway-1"\)/,
      );
    } finally {
      await instance.stop();
      await foreign.close();
    }
  });

  it('tells who listens when it ends without being stopped, and not when it is stopped', async () => {
    const { instance } = await instanceRunning(server, 'catalog-3');
    await instance.waitUntilReady(10_000);
    const exits: InstanceExit[] = [];
    instance.onUnexpectedExit((exit) => exits.push(exit));
    await instance.stop();
    expect(exits).toEqual([]);
    instance.start();
    await instance.waitUntilReady(10_000);
    process.kill(instance.pid!, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(exits).toEqual([{ code: null, signal: 'SIGKILL' }]);
  });
});
