import { singleFlight } from './single-flight';
import { TokenSession, type RefreshCall } from './session';

const deferred = <T>() => {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
};

describe('singleFlight', () => {
  it('shares one run between concurrent callers, then starts a new one', async () => {
    let runs = 0;
    const gate = deferred<string>();
    const flight = singleFlight(() => ((runs += 1), gate.promise));
    const callers = [flight.run(), flight.run(), flight.run()];
    expect(flight.inFlight).toBe(true);
    gate.resolve('pair-1');
    expect(await Promise.all(callers)).toEqual(['pair-1', 'pair-1', 'pair-1']);
    expect(runs).toBe(1);
    expect(flight.inFlight).toBe(false);
    gate.promise = Promise.resolve('unused');
    await flight.run();
    expect(runs).toBe(2);
  });

  it('shares a failure too, and lets the next call try again', async () => {
    let runs = 0;
    const flight = singleFlight(async () => {
      runs += 1;
      if (runs === 1) throw new Error('boom');
      return 'ok';
    });
    const results = await Promise.allSettled([flight.run(), flight.run()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(runs).toBe(1);
    await expect(flight.run()).resolves.toBe('ok');
  });

  it('settles even when the operation throws synchronously', async () => {
    const flight = singleFlight((): Promise<void> => {
      throw new Error('sync');
    });
    await expect(flight.run()).rejects.toThrow('sync');
    expect(flight.inFlight).toBe(false);
  });

  it('lets a caller start the next run from its continuation', async () => {
    let runs = 0;
    const flight = singleFlight(async () => (runs += 1));
    const second = await flight.run().then(() => flight.run());
    expect(second).toBe(2);
  });
});

const pair = (n: number) => ({
  access_token: `access-${n}`,
  token_type: 'Bearer',
  expires_in: 900,
  refresh_token: `refresh-${n}`,
  refresh_expires_in: 604800,
});

describe('TokenSession refresh (single-flight)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends one POST /auth/refresh for concurrent triggers and uses each refresh token once', async () => {
    const sent: string[] = [];
    const gate = deferred<void>();
    const call: RefreshCall = async (refreshToken) => {
      sent.push(refreshToken);
      await gate.promise;
      return { status: 200, body: pair(sent.length + 1), note: '' };
    };
    const session = new TokenSession(call, () => Date.now());
    session.start(pair(1));
    // a click, the timer and an API call about to expire, all at once
    const outcomes = Promise.all([session.refresh(), session.refresh(true), session.refresh()]);
    gate.resolve();
    const results = await outcomes;
    expect(sent).toEqual(['refresh-1']);
    expect(results.every((r) => r.ok && r.tokens.accessToken === 'access-2')).toBe(true);
    expect(session.previousRefreshToken).toBe('refresh-1');
    await session.refresh();
    expect(sent).toEqual(['refresh-1', 'refresh-2']);
    expect(session.refreshCount).toBe(2);
    session.end();
  });

  it('refreshes automatically shortly before expiry, once', async () => {
    const sent: string[] = [];
    const changes: [string, boolean][] = [];
    const session = new TokenSession(
      async (refreshToken) => (sent.push(refreshToken), { status: 200, body: pair(2), note: '' }),
      () => Date.now(),
      (change, auto) => changes.push([change, auto]),
    );
    session.start(pair(1));
    await jest.advanceTimersByTimeAsync(839_000);
    expect(sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(2_000); // at 14:00, 60 s before the 15-minute expiry
    expect(sent).toEqual(['refresh-1']);
    expect(changes).toContainEqual(['refresh', true]);
    expect(session.tokens?.accessToken).toBe('access-2');
    session.end();
  });

  it('stops refreshing once the refresh token is refused, and keeps the access token', async () => {
    let calls = 0;
    const session = new TokenSession(async () => {
      calls += 1;
      return { status: 401, body: { error: 'invalid_grant' }, note: 'invalid_grant' };
    });
    session.start(pair(1));
    const outcome = await session.refresh();
    expect(outcome).toMatchObject({ ok: false, status: 401 });
    expect(session.refreshRefused).toBe(true);
    expect(session.tokens?.accessToken).toBe('access-1');
    await jest.advanceTimersByTimeAsync(900_000);
    expect(calls).toBe(1);
    session.end();
  });

  it('ensureFresh refreshes only a token about to expire', async () => {
    let calls = 0;
    let now = 0;
    const session = new TokenSession(
      async () => ((calls += 1), { status: 200, body: pair(2), note: '' }),
      () => now,
    );
    session.start(pair(1));
    await session.ensureFresh();
    expect(calls).toBe(0);
    now = 897_000;
    await Promise.all([session.ensureFresh(), session.ensureFresh()]);
    expect(calls).toBe(1);
    session.end();
  });
});
