import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { deadPort, recordingServer, type RecordingServer } from '@jwt-msa/testing';
import { root } from './workspace';

/**
 * docker/balancer.cjs, the compose stack's front door, as a real process in front of a real
 * upstream on loopback (the round robin over several gateway replicas is exercised by
 * `npm run test:compose`, where one DNS name resolves to each of them).
 */
interface Balancer {
  url: string;
  process: ChildProcess;
}

async function startBalancer(upstreamPort: number): Promise<Balancer> {
  const child = spawn(process.execPath, [path.join(root, 'docker', 'balancer.cjs')], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      BALANCER_UPSTREAM_HOST: '127.0.0.1',
      BALANCER_UPSTREAM_PORT: String(upstreamPort),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the balancer did not start within 10 s')), 10_000);
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg: string; port?: number };
      if (entry.msg === 'listening') {
        clearTimeout(timer);
        resolve(entry.port!);
      }
    });
  });
  return { url: `http://127.0.0.1:${port}`, process: child };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('docker/balancer.cjs', () => {
  let upstream: RecordingServer;
  let balancer: Balancer;
  beforeAll(async () => {
    upstream = await recordingServer((request) =>
      request.url === '/created'
        ? { status: 201, headers: { 'x-served-by': 'gateway/one' }, body: { echoed: request.body } }
        : { body: { path: request.url } },
    );
    balancer = await startBalancer(upstream.port);
  });
  afterAll(async () => {
    balancer.process.kill('SIGKILL');
    await upstream.close();
  });

  it("forwards method, path and body, answers with the upstream's status, headers and body", async () => {
    const response = await fetch(`${balancer.url}/created`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"widget"}',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-served-by')).toBe('gateway/one');
    expect(await response.json()).toEqual({ echoed: '{"name":"widget"}' });
    const received = upstream.requests.at(-1)!;
    expect([received.method, received.url, received.body]).toEqual(['POST', '/created', '{"name":"widget"}']);
  });

  it('appends the client it accepted to X-Forwarded-For, after what the client claimed', async () => {
    await fetch(`${balancer.url}/plain`);
    expect(upstream.requests.at(-1)!.headers['x-forwarded-for']).toBe('127.0.0.1');
    await fetch(`${balancer.url}/plain`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    // The auth service (TRUSTED_PROXY_HOPS=1) takes the entry the balancer wrote, not the claim.
    expect(upstream.requests.at(-1)!.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
  });

  it('refuses a body over 1 MB with 413 before anything reaches a gateway', async () => {
    const before = upstream.requests.length;
    const response = await fetch(`${balancer.url}/created`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
    expect(response.status).toBe(413);
    expect(upstream.requests.length).toBe(before);
  });

  it('answers 502 with a JSON error when no gateway accepts the connection', async () => {
    const lonely = await startBalancer(await deadPort());
    try {
      const response = await fetch(`${lonely.url}/api/catalog/products`);
      expect(response.status).toBe(502);
      expect(await response.json()).toEqual({
        error: { code: 'bad_gateway', message: 'The gateway could not be reached' },
      });
    } finally {
      lonely.process.kill('SIGKILL');
    }
  });

  it('exits 0 on SIGTERM', async () => {
    const stopping = await startBalancer(upstream.port);
    const exited = exitOf(stopping.process);
    stopping.process.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
