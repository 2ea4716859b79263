import { Router } from 'express';
import request from 'supertest';
import { streamRequest } from '@jwt-msa/testing';
import { createDomainServiceApp, createLogger, runService, type RunningService } from './index';
import { MAX_JSON_DEPTH, MAX_JSON_KEYS } from './json-shape';

const LIMIT = 1024;
const TIMEOUT_MS = 600;
const logger = createLogger('test', 'limits', 'silent');
/** Bodies the route saw, by size: none may be over the limit. */
const delivered: number[] = [];

function app(limitBytes = LIMIT) {
  const routes = Router();
  routes.post('/echo', (req, res) => {
    delivered.push(JSON.stringify(req.body).length);
    res.status(201).json({ received: req.body });
  });
  return createDomainServiceApp({
    service: 'limits',
    instanceId: 'l-1',
    logger,
    bodyLimits: { limitBytes, timeoutMs: TIMEOUT_MS },
    routes,
  });
}

let running: RunningService;
beforeAll(async () => {
  running = await runService({
    service: app(),
    host: '127.0.0.1',
    port: 0,
    logger,
    shutdownGraceMs: 500,
    exitOnShutdown: false,
  });
});
afterAll(() => running.shutdown('test over'));
beforeEach(() => {
  delivered.length = 0;
});

const FIVE_MB = 5 * 1024 * 1024;

describe('the body limit, enforced while the body streams', () => {
  it.each(['chunked', 'length'] as const)(
    'answers a 5 MB %s body with 413 JSON as soon as the limit is crossed, and closes the connection',
    async (framing) => {
      const res = await streamRequest(running.url, 'POST', '/echo', { body: FIVE_MB, framing });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body)).toEqual({
        error: 'body_too_large',
        message: `The request body is larger than ${LIMIT} bytes`,
      });
      expect(res.headers['connection']).toBe('close');
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['x-served-by']).toBe('limits/l-1');
      expect(res.closed).toBe(true);
      // Refused within the first few chunks, not after 5 MB.
      expect(res.bytesSent).toBeLessThan(FIVE_MB / 4);
      expect(res.answeredAfterMs).toBeLessThan(2000);
      expect(delivered).toEqual([]);
    },
  );

  it('cuts off a body that trickles in with 408 JSON after BODY_TIMEOUT_MS, and closes the connection', async () => {
    const res = await streamRequest(running.url, 'POST', '/echo', {
      body: 900,
      chunkBytes: 10,
      intervalMs: 50,
      framing: 'chunked',
    });
    expect(res.status).toBe(408);
    expect(JSON.parse(res.body)).toEqual({
      error: 'body_timeout',
      message: `The request body did not arrive within ${TIMEOUT_MS} ms`,
    });
    expect(res.closed).toBe(true);
    expect(res.answeredAfterMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(res.answeredAfterMs).toBeLessThan(TIMEOUT_MS + 1500);
    expect(delivered).toEqual([]);
  });

  it('accepts a body at the limit, chunked or not, and keeps the connection alive', async () => {
    const body = Buffer.from(JSON.stringify({ text: 'x'.repeat(LIMIT - 11) }));
    expect(body.length).toBe(LIMIT);
    for (const framing of ['chunked', 'length'] as const) {
      const res = await streamRequest(running.url, 'POST', '/echo', { body, chunkBytes: 100, framing });
      expect(res.status).toBe(201);
      expect(res.closed).toBe(false);
    }
    expect(delivered).toHaveLength(2);
  });

  it('lets a body in time through, however slowly its chunks come', async () => {
    const body = Buffer.from(JSON.stringify({ text: 'slow' }));
    const res = await streamRequest(running.url, 'POST', '/echo', {
      body,
      chunkBytes: 4,
      intervalMs: 30,
      framing: 'chunked',
    });
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body)).toEqual({ received: { text: 'slow' } });
  });
});

describe('the shape of JSON bodies', () => {
  /** Room for any shape: the limit is not what these refuse. */
  const roomy = () => app(64 * 1024).app;

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels with 400 json_too_deep`, async () => {
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    const res = await request(roomy()).post('/echo').set('content-type', 'application/json').send(deep).expect(400);
    expect(res.body.error).toBe('json_too_deep');
    const allowed = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    await request(roomy()).post('/echo').set('content-type', 'application/json').send(allowed).expect(201);
  });

  it(`refuses more than ${MAX_JSON_KEYS} keys with 400 json_too_many_keys`, async () => {
    const keys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 0]));
    const res = await request(roomy())
      .post('/echo')
      .send(keys(MAX_JSON_KEYS + 1))
      .expect(400);
    expect(res.body.error).toBe('json_too_many_keys');
    await request(roomy()).post('/echo').send(keys(MAX_JSON_KEYS)).expect(201);
  });

  it('counts only structure: brackets, colons and escaped quotes inside strings are text', async () => {
    const text = `${'[{:'.repeat(300)}\\"${']}'.repeat(300)}`;
    const res = await request(roomy()).post('/echo').send({ text }).expect(201);
    expect(res.body).toEqual({ received: { text } });
  });
});
