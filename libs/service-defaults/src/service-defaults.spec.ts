import { Router } from 'express';
import request from 'supertest';
import { ConflictError } from '@jwt-msa/http-errors';
import { principalOf } from '@jwt-msa/claims';
import { createDomainServiceApp, createLogger, runService } from './index';

const logger = createLogger('test', 't-1', 'silent');

function service(ready = true) {
  const routes = Router();
  routes.post('/echo', (req, res) => {
    res.status(201).json(req.body);
  });
  routes.get('/conflict', () => {
    throw new ConflictError('already there');
  });
  routes.get('/boom', async () => {
    throw new Error('secret internals');
  });
  routes.get('/whoami', (_req, res) => {
    res.json({ userId: principalOf(res).userId });
  });
  return createDomainServiceApp({
    service: 'demo',
    instanceId: 'demo-1',
    logger,
    bodyLimits: { limitBytes: 1024, timeoutMs: 2000 },
    readiness: {
      database: async () => {
        if (!ready) throw new Error('database unreachable');
      },
    },
    routes,
  });
}
const app = (ready = true) => service(ready).app;

describe('createDomainServiceApp', () => {
  it('marks every response with X-Served-By and a request id, and no X-Powered-By', async () => {
    const res = await request(app()).get('/healthz').expect(200, { status: 'ok' });
    expect(res.headers['x-served-by']).toBe('demo/demo-1');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('keeps a well-formed incoming request id and replaces a malformed one', async () => {
    expect((await request(app()).get('/healthz').set('X-Request-Id', 'abc-123')).headers['x-request-id']).toBe(
      'abc-123',
    );
    expect((await request(app()).get('/healthz').set('X-Request-Id', 'bad id;drop')).headers['x-request-id']).toMatch(
      /^[0-9a-f-]{36}$/,
    );
  });

  it('reports readiness from its checks', async () => {
    await request(app())
      .get('/readyz')
      .expect(200, { status: 'ready', instance: 'demo-1', checks: { database: 'ok' } });
    await request(app(false))
      .get('/readyz')
      .expect(503, { status: 'not_ready', instance: 'demo-1', checks: { database: 'database unreachable' } });
  });

  it.each([
    ['invalid JSON', '{"a":', 'application/json', 400, 'invalid_json'],
    ['a body over the limit', JSON.stringify({ a: 'x'.repeat(2000) }), 'application/json', 413, 'body_too_large'],
    ['a non-JSON content type', 'a=1', 'application/x-www-form-urlencoded', 415, 'unsupported_media_type'],
  ])('answers %s with a clear JSON error', async (_name, body, type, status, code) => {
    const res = await request(app()).post('/echo').set('content-type', type).send(body).expect(status);
    expect(res.body).toEqual({ error: code, message: expect.any(String) });
  });

  it('maps HttpErrors, hides unexpected errors and answers unknown routes with JSON 404', async () => {
    await request(app()).get('/conflict').expect(409, { error: 'conflict', message: 'already there' });
    const boom = await request(app()).get('/boom').expect(500);
    expect(boom.body).toEqual({ error: 'internal_error', message: 'Something went wrong' });
    expect(JSON.stringify(boom.body)).not.toContain('secret');
    await request(app()).get('/nope').expect(404, { error: 'not_found', message: 'No route for GET /nope' });
  });

  it('reads the caller from the gateway identity headers', async () => {
    await request(app()).get('/whoami').expect(401);
    await request(app()).get('/whoami').set('x-user-id', 'u-9').expect(200, { userId: 'u-9' });
  });
});

describe('runService', () => {
  it('lets an in-flight request finish on shutdown, then stops accepting', async () => {
    let release!: () => void;
    const routes = Router();
    routes.get('/slow', async (_req, res) => {
      await new Promise<void>((r) => {
        release = r;
      });
      res.json({ done: true });
    });
    const slow = createDomainServiceApp({
      service: 'slow',
      instanceId: 's-1',
      logger,
      bodyLimits: { limitBytes: 1024, timeoutMs: 2000 },
      routes,
    });
    let hookRan = false;
    const events: string[] = [];
    const running = await runService({
      service: slow,
      background: [
        { start: () => events.push('background started'), stop: () => void events.push('background stopped') },
      ],
      host: '127.0.0.1',
      port: 0,
      logger,
      shutdownGraceMs: 5000,
      exitOnShutdown: false,
      onShutdown: [
        async () => {
          hookRan = true;
          events.push('hook ran');
        },
      ],
    });
    const inFlight = fetch(`${running.url}/slow`);
    await new Promise((r) => setTimeout(r, 100));
    const stopped = running.shutdown('test');
    await new Promise((r) => setTimeout(r, 100));
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
    release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    await stopped;
    expect(hookRan).toBe(true);
    expect(events).toEqual(['background started', 'background stopped', 'hook ran']);
    expect(slow.lifecycle.shuttingDown).toBe(true);
  });
});

describe('malformed requests', () => {
  it('answers oversized headers with a JSON 431 carrying security headers, and keeps serving', async () => {
    const running = await runService({
      service: service(),
      host: '127.0.0.1',
      port: 0,
      logger,
      shutdownGraceMs: 1000,
      exitOnShutdown: false,
    });
    try {
      const response = await fetch(`${running.url}/healthz`, { headers: { 'x-big': 'a'.repeat(20_000) } });
      expect(response.status).toBe(431);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.json()).toEqual({
        error: 'headers_too_large',
        message: 'The request headers are too large',
      });
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    } finally {
      await running.shutdown('test');
    }
  });
});
