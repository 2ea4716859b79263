import { getFreePort } from '@jwt-msa/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { call } from './http';

/**
 * `npm start` as a user runs it: the launcher process, its --scale option, a clean stop on
 * SIGTERM with nothing left running, and data that survives a restart.
 */
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const LAUNCHER = path.join(REPO_ROOT, 'dist', 'tools', 'local-cluster', 'main.js');

interface Launched {
  child: ChildProcess;
  output: string[];
  gatewayUrl: string;
  ports: number[];
}

async function launch(dataDir: string, gatewayPort: number, args: string[] = []): Promise<Launched> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOCAL_CLUSTER_DATA_DIR: dataDir,
    GATEWAY_PORT: String(gatewayPort),
    GATEWAY_ADMIN_PORT: '0',
  };
  delete env['ADMIN_USERNAME'];
  delete env['ADMIN_PASSWORD'];
  const child = spawn(process.execPath, [LAUNCHER, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`launcher not ready in time:\n${output.join('')}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const text = output.join('');
      const ready = /jwt-msa is ready: gateway (http:\/\/localhost:\d+)/.exec(text);
      if (ready) {
        clearTimeout(timer);
        const ports = [...text.matchAll(/127\.0\.0\.1:(\d+)/g)].map((match) => Number(match[1]));
        resolve({ child, output, gatewayUrl: ready[1]!, ports });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`launcher exited with ${code}:\n${output.join('')}`));
    });
  });
}

async function stop(launched: Launched): Promise<number | null> {
  launched.child.removeAllListeners('exit');
  const exited = new Promise<number | null>((resolve) => launched.child.once('exit', resolve));
  launched.child.kill('SIGTERM');
  return exited;
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

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'jwt-msa-launcher-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start (the local launcher)', () => {
  it('starts scaled replicas, stops cleanly on SIGTERM, and keeps the data for the next start', async () => {
    const gatewayPort = await getFreePort();
    const first = await launch(dataDir, gatewayPort, ['--scale', 'orders=3']);
    const text = first.output.join('');
    expect(first.gatewayUrl).toBe(`http://localhost:${gatewayPort}`);
    expect(text).toMatch(/orders-3 +http:\/\/127\.0\.0\.1:\d+/);
    expect(text).toContain('WARNING: development admin "admin"');

    expect(
      (
        await call(first.gatewayUrl, 'POST', '/auth/register', {
          body: { username: 'carol', password: 'carol-password' },
        })
      ).status,
    ).toBe(201);
    const adminPassword = (await readFile(path.join(dataDir, 'admin-password'), 'utf8')).trim();

    expect(await stop(first)).toBe(0);
    expect(first.output.join('')).toContain('Stopped.');
    expect(first.ports.length).toBeGreaterThanOrEqual(8);
    for (const port of first.ports) expect(await isListening(port)).toBe(false);

    const second = await launch(dataDir, gatewayPort);
    try {
      expect(
        (
          await call(second.gatewayUrl, 'POST', '/auth/login', {
            body: { username: 'carol', password: 'carol-password' },
          })
        ).status,
      ).toBe(200);
      expect(
        (await call(second.gatewayUrl, 'POST', '/auth/login', { body: { username: 'admin', password: adminPassword } }))
          .status,
      ).toBe(200);
    } finally {
      expect(await stop(second)).toBe(0);
    }
  });

  it('explains a bad option instead of starting', async () => {
    const child = spawn(process.execPath, [LAUNCHER, '--scale', 'payments=2'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('unknown service "payments"');
  });
});
