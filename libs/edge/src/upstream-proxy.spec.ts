import request from 'supertest';
import express from 'express';
import { createLogger } from '@jwt-msa/service-defaults';
import { deadPort, recordingServer, type RecordingServer } from '@jwt-msa/testing';
import { UpstreamPool } from '@jwt-msa/upstreams';
import { UpstreamProxy } from './index';

const logger = createLogger('edge', 'test', 'silent');
const servers: RecordingServer[] = [];

/** A real replica on a loopback address; 127.0.0.0/8 is all loopback, so several can share a port. */
async function replica(name: string, host = '127.0.0.1', port = 0): Promise<{ port: number; hits: () => number }> {
  const server = await recordingServer(() => ({ headers: { 'x-served-by': name }, body: { name } }), { host, port });
  servers.push(server);
  return { port: server.port, hits: () => server.requests.length };
}

function gatewayFor(pool: UpstreamPool) {
  const outcomes: string[] = [];
  const proxy = new UpstreamProxy(pool, {
    timeoutMs: 2000,
    logger,
    onOutcome: (_u, replica, outcome) => outcomes.push(`${outcome}@${replica}`),
  });
  const app = express();
  app.use((req, res) => proxy.forward(req, res));
  return { app, outcomes };
}

afterAll(() => Promise.all(servers.map((server) => server.close())));

describe('UpstreamProxy', () => {
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
    const dead = await deadPort();
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

  it('replays a POST with an Idempotency-Key whose connection was refused, body and all, on a live replica', async () => {
    const dead = await deadPort();
    const live = await recordingServer((req) => ({ status: 201, body: { got: JSON.parse(req.body) } }));
    servers.push(live);
    const pool = new UpstreamPool('orders', [`http://127.0.0.1:${dead}`, `http://127.0.0.1:${live.port}`], {
      refreshMs: 60_000,
      ejectMs: 60_000,
    });
    const { app, outcomes } = gatewayFor(pool);
    const order = { productId: 'p', quantity: 2, note: 'x'.repeat(5000) };
    const res = await request(app).post('/api/orders').set('Idempotency-Key', 'k-1').send(order).expect(201);
    expect(res.body).toEqual({ got: order });
    expect(live.requests).toHaveLength(1);
    expect(live.requests[0]!.headers['idempotency-key']).toBe('k-1');
    expect(outcomes).toEqual([`retried@http://127.0.0.1:${live.port}`]);

    // A chunked body is replayed whole too.
    const chunked = new UpstreamPool('orders', [`http://127.0.0.1:${dead}`, `http://127.0.0.1:${live.port}`], {
      refreshMs: 60_000,
      ejectMs: 60_000,
    });
    const client = request(gatewayFor(chunked).app)
      .post('/api/orders')
      .set('Idempotency-Key', 'k-2')
      .set('content-type', 'application/json')
      .set('transfer-encoding', 'chunked');
    client.write(JSON.stringify(order).slice(0, 100));
    client.write(JSON.stringify(order).slice(100));
    expect((await client.expect(201)).body).toEqual({ got: order });
    expect(live.requests).toHaveLength(2);
  });

  it('never replays a POST without an Idempotency-Key, and answers 503 JSON when no replica can be reached', async () => {
    const dead = await deadPort();
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
