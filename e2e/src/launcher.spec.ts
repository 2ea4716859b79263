import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readClusterFile } from '@jwt-msa/cluster';
import { getFreePort, recordingServer } from '@jwt-msa/testing';
import { call } from './http';

/**
 * `npm start` as a user runs it: the launcher process, its --scale option (gateways included), a
 * clean stop on SIGTERM with nothing left running, data that survives a restart, a second cluster
 * beside the first, and a launcher that never says "ready" for something it did not start.
 */
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const LAUNCHER = path.join(REPO_ROOT, 'dist', 'tools', 'local-cluster', 'main.js');

interface Launched {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
  text(): string;
}

function start(dataDir: string, gatewayPort: number, args: string[] = []): Launched {
  const env: NodeJS.ProcessEnv = { ...process.env, LOCAL_CLUSTER_DATA_DIR: dataDir, GATEWAY_PORT: String(gatewayPort) };
  delete env['ADMIN_USERNAME'];
  delete env['ADMIN_PASSWORD'];
  const child = spawn(process.execPath, [LAUNCHER, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output, exited, text: () => output.join('') };
}

async function launch(dataDir: string, gatewayPort: number, args: string[] = []): Promise<Launched> {
  const launched = start(dataDir, gatewayPort, args);
  const deadline = Date.now() + 90_000;
  while (!/jwt-msa is ready: gateway http:\/\/localhost:\d+/.test(launched.text())) {
    if (launched.child.exitCode !== null)
      throw new Error(`launcher exited with ${launched.child.exitCode}:\n${launched.text()}`);
    if (Date.now() > deadline) throw new Error(`launcher not ready in time:\n${launched.text()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return launched;
}

async function stop(launched: Launched): Promise<number | null> {
  launched.child.kill('SIGTERM');
  return launched.exited;
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Every port and pid of what a launcher started, from the cluster file it wrote. */
async function whatRuns(dataDir: string): Promise<{ ports: number[]; pids: number[] }> {
  const file = await readClusterFile(dataDir);
  const replicas = Object.values(file.replicas).flat();
  return {
    ports: [
      ...replicas.map((replica) => Number(new URL(replica.url).port)),
      ...file.gateways.map((gateway) => Number(new URL(gateway.adminUrl).port)),
      file.postgres.port,
    ],
    pids: replicas.map((replica) => replica.pid),
  };
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function expectNothingLeft(dataDir: string): Promise<void> {
  const { ports, pids } = await whatRuns(dataDir);
  for (const port of ports) expect([port, await isListening(port)]).toEqual([port, false]);
  for (const pid of pids) expect([pid, isAlive(pid)]).toEqual([pid, false]);
}

const dirs: string[] = [];
const newDataDir = async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'jwt-msa-launcher-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('npm start (the local launcher)', () => {
  it('starts scaled replicas and N gateways, runs a second cluster beside it, stops cleanly, keeps the data', async () => {
    const dataDir = await newDataDir();
    const gatewayPort = await getFreePort();
    const first = await launch(dataDir, gatewayPort, ['--scale', 'orders=3', '--scale', 'gateway=2']);
    const text = first.text();
    expect(text).toContain(
      `jwt-msa is ready: gateway http://localhost:${gatewayPort} (replicas also on http://localhost:${gatewayPort + 1})`,
    );
    expect(text).toMatch(/orders-3 +http:\/\/127\.0\.0\.1:\d+/);
    expect(text).toContain('WARNING: development admin "admin"');
    const file = await readClusterFile(dataDir);
    expect(file.gateways.map((gateway) => gateway.url)).toEqual([
      `http://localhost:${gatewayPort}`,
      `http://localhost:${gatewayPort + 1}`,
    ]);
    expect(file.gateways.every((gateway) => !gateway.adminUrl.endsWith(':9464'))).toBe(true);
    for (const gateway of file.gateways) {
      expect((await fetch(`${gateway.adminUrl}/replicas`)).status).toBe(200);
      expect((await call(gateway.url, 'GET', '/api/catalog/products')).status).toBe(200);
    }
    expect(
      (
        await call(`http://localhost:${gatewayPort + 1}`, 'POST', '/auth/register', {
          body: { username: 'carol', password: 'carol-password' },
        })
      ).status,
    ).toBe(201);
    const adminPassword = (await readFile(path.join(dataDir, 'admin-password'), 'utf8')).trim();

    // A second cluster beside the first, as the README says: its own data dir and gateway port.
    const secondDir = await newDataDir();
    const second = await launch(secondDir, await getFreePort());
    const secondGateway = (await readClusterFile(secondDir)).gateways[0]!;
    expect(
      (
        await call(secondGateway.url, 'POST', '/auth/login', {
          body: { username: 'carol', password: 'carol-password' },
        })
      ).status,
    ).toBe(401);
    expect(await stop(second)).toBe(0);
    await expectNothingLeft(secondDir);

    expect(await stop(first)).toBe(0);
    expect(first.text()).toContain('Stopped.');
    await expectNothingLeft(dataDir);

    const again = await launch(dataDir, gatewayPort);
    try {
      const gw = `http://localhost:${gatewayPort}`;
      expect(
        (await call(gw, 'POST', '/auth/login', { body: { username: 'carol', password: 'carol-password' } })).status,
      ).toBe(200);
      expect(
        (await call(gw, 'POST', '/auth/login', { body: { username: 'admin', password: adminPassword } })).status,
      ).toBe(200);
    } finally {
      expect(await stop(again)).toBe(0);
    }
  });

  it('says which replica died after start-up, stops the rest and exits non-zero', async () => {
    const dataDir = await newDataDir();
    const launched = await launch(dataDir, await getFreePort());
    const victim = (await readClusterFile(dataDir)).replicas.orders[0]!;
    process.kill(victim.pid, 'SIGKILL');
    expect(await launched.exited).toBe(1);
    expect(launched.text()).toContain('orders-1 exited unexpectedly (killed by SIGKILL)');
    expect(launched.text()).toContain('Stopped.');
    await expectNothingLeft(dataDir);
  });

  it('leaves nothing running when the launcher itself is killed with SIGKILL: every replica exits by itself', async () => {
    const dataDir = await newDataDir();
    const launched = await launch(dataDir, await getFreePort());
    const { pids, ports } = await whatRuns(dataDir);
    launched.child.kill('SIGKILL');
    await launched.exited;
    const killedAt = Date.now();
    const left = async () => [
      ...pids.filter(isAlive).map((pid) => `pid ${pid}`),
      ...(await Promise.all(ports.map(async (port) => ((await isListening(port)) ? `port ${port}` : '')))).filter(
        Boolean,
      ),
    ];
    while ((await left()).length > 0 && Date.now() - killedAt < 15_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Each replica sees its IPC channel close (or its parent pid change), drains and exits, though
    // its stdout pipe died with the launcher; PostgreSQL gets its parent-death signal.
    expect(await left()).toEqual([]);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
  });

  it('never reports a foreign server on the gateway port as its gateway', async () => {
    const foreign = await recordingServer(() => ({ body: { status: 'ready', instance: 'gateway-1', checks: {} } }));
    try {
      const launched = start(await newDataDir(), foreign.port);
      expect(await launched.exited).toBe(1);
      expect(launched.text()).not.toContain('jwt-msa is ready');
      expect(launched.text()).toContain(
        `The gateway port is taken (gateway-1 could not listen; GATEWAY_PORT=${foreign.port})`,
      );
      expect(foreign.requests.filter((request) => request.url === '/readyz')).toEqual([]);
    } finally {
      await foreign.close();
    }
  });

  it('documents itself with --help and explains a bad option instead of starting', async () => {
    const help = start(await newDataDir(), 0, ['--help']);
    expect(await help.exited).toBe(0);
    expect(help.text()).toMatch(/--data-dir <dir>[\s\S]*--verbose[\s\S]*--scale <service>=<n>/);
    const bad = start(await newDataDir(), 0, ['--scale', 'payments=2']);
    expect(await bad.exited).toBe(2);
    expect(bad.text()).toContain('unknown service "payments"');
  });
});
