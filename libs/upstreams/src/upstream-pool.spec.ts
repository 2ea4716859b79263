import { UpstreamPool } from './index';

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
    expect(pool.pick([first])!.url).toBe(second.url);
    now = 1001;
    expect(new Set([pool.pick()!.url, pool.pick()!.url]).size).toBe(2);
  });
});
