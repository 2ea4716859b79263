import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import express from 'express';
import { createLogger } from '@jwt-msa/service-defaults';
import { upstreamProxy } from './proxy/upstream-proxy';
import { UpstreamPool } from './routing/upstream-pool';

const logger = createLogger('gateway', 'test', 'silent');
const servers: Server[] = [];

/** A real replica on a loopback address; 127.0.0.0/8 is all loopback, so several can share a port. */
async function replica(name: string, host = '127.0.0.1', port = 0): Promise<{ port: number; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits += 1;
    req.resume();
    res.setHeader('x-served-by', name);
    res.end(JSON.stringify({ name }));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, hits: () => hits };
}

async function closedPort(): Promise<number> {
  const { port } = await replica('gone');
  const server = servers.pop()!;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function gatewayFor(pool: UpstreamPool) {
  const outcomes: string[] = [];
  const app = express();
  app.use(
    upstreamProxy({
      pool,
      timeoutMs: 2000,
      logger,
      onOutcome: (_u, endpoint, outcome) => outcomes.push(`${outcome}@${endpoint}`),
    }),
  );
  return { app, outcomes };
}

afterAll(async () => {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise((r) => {
          s.closeAllConnections();
          s.close(r);
        }),
    ),
  );
});

describe('UpstreamPool', () => {
  it('spreads over every address a DNS name resolves to, and follows DNS changes', async () => {
    let answer = ['127.0.0.2', '127.0.0.3'];
    const pool = new UpstreamPool('orders', ['http://orders.internal:3000'], {
      refreshMs: 60_000,
      ejectMs: 1000,
      resolve: async () => answer,
    });
    await pool.ready();
    expect(pool.snapshot().map((e) => e.url)).toEqual(['http://127.0.0.2:3000', 'http://127.0.0.3:3000']);
    expect(new Set([pool.pick()!.url, pool.pick()!.url]).size).toBe(2);
    answer = ['127.0.0.3', '127.0.0.4'];
    await pool.refresh();
    expect(pool.snapshot().map((e) => e.url)).toEqual(['http://127.0.0.3:3000', 'http://127.0.0.4:3000']);
  });

  it('keeps the last known addresses when DNS fails', async () => {
    let fail = false;
    const pool = new UpstreamPool('orders', ['http://orders.internal:3000'], {
      refreshMs: 60_000,
      ejectMs: 1000,
      resolve: async () => {
        if (fail) throw new Error('SERVFAIL');
        return ['127.0.0.2'];
      },
    });
    await pool.ready();
    fail = true;
    await pool.refresh();
    expect(pool.snapshot()).toEqual([
      { url: 'http://127.0.0.2:3000', source: 'http://orders.internal:3000', healthy: true },
    ]);
  });

  it('skips ejected replicas until their time is up, but never leaves nothing to try', async () => {
    let now = 0;
    const pool = new UpstreamPool('auth', ['http://127.0.0.1:1', 'http://127.0.0.1:2'], {
      refreshMs: 60_000,
      ejectMs: 1000,
      now: () => now,
    });
    await pool.ready();
    const [first, second] = [pool.pick()!, pool.pick()!];
    pool.eject(first);
    expect([pool.pick()!.url, pool.pick()!.url]).toEqual([second.url, second.url]);
    pool.eject(second);
    expect(pool.pick()).toBeDefined();
    expect(pool.pick(first)!.url).toBe(second.url);
    now = 1001;
    expect(new Set([pool.pick()!.url, pool.pick()!.url]).size).toBe(2);
  });
});

describe('upstreamProxy', () => {
  it('reaches every replica behind one DNS name (real connections to 127.0.0.2 and 127.0.0.3)', async () => {
    const a = await replica('a', '127.0.0.2');
    const b = await replica('b', '127.0.0.3', a.port);
    const pool = new UpstreamPool('orders', [`http://orders.internal:${a.port}`], {
      refreshMs: 60_000,
      ejectMs: 1000,
      resolve: async () => ['127.0.0.2', '127.0.0.3'],
    });
    const { app } = gatewayFor(pool);
    const served = new Set<string>();
    for (let i = 0; i < 6; i += 1) served.add(String((await request(app).get('/api/orders')).headers['x-served-by']));
    expect([...served].sort()).toEqual(['a', 'b']);
    expect(a.hits()).toBe(3);
    expect(b.hits()).toBe(3);
  });

  it('replays a GET that hit a dead replica on a live one, and ejects the dead one', async () => {
    const live = await replica('live');
    const dead = await closedPort();
    const pool = new UpstreamPool('catalog', [`http://127.0.0.1:${dead}`, `http://127.0.0.1:${live.port}`], {
      refreshMs: 60_000,
      ejectMs: 60_000,
    });
    const { app, outcomes } = gatewayFor(pool);
    for (let i = 0; i < 6; i += 1) await request(app).get('/api/catalog/products').expect(200);
    expect(live.hits()).toBe(6);
    expect(outcomes.filter((o) => o.startsWith('retried'))).toHaveLength(1);
    expect(pool.snapshot().find((e) => e.url.endsWith(`:${dead}`))!.healthy).toBe(false);
  });

  it('never replays a POST, and answers 503 JSON when no replica can be reached', async () => {
    const dead = await closedPort();
    const live = await replica('live2');
    const pool = new UpstreamPool('orders', [`http://127.0.0.1:${dead}`, `http://127.0.0.1:${live.port}`], {
      refreshMs: 60_000,
      ejectMs: 60_000,
    });
    const { app } = gatewayFor(pool);
    const res = await request(app).post('/api/orders').send({ productId: 'p', quantity: 1 }).expect(503);
    expect(res.body).toEqual({ error: 'upstream_unavailable', message: 'The orders service is unavailable' });
    expect(live.hits()).toBe(0);
    // The dead replica is now ejected, so the next POST goes to the live one.
    await request(app).post('/api/orders').send({ productId: 'p', quantity: 1 }).expect(200);
    const allDead = new UpstreamPool('auth', [`http://127.0.0.1:${dead}`], { refreshMs: 60_000, ejectMs: 60_000 });
    await request(gatewayFor(allDead).app).get('/auth/x').expect(503);
  });
});
