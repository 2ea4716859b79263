import { randomBytes, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { IS_ADMIN_CLAIM } from '@jwt-msa/claims';
import { call } from './http';
import { sharedCluster } from './shared-cluster';

/**
 * Hostile and concurrent input at every public endpoint that takes a body, through the gateway of
 * the shared cluster (every service a real process on real PostgreSQL): bodies that are not JSON
 * objects, nested or huge, with duplicate keys, the wrong or no content type, prototype keys and
 * fields that name an identity. Never a 5xx, never a hang (every request is cut off at 5 s and
 * must answer well before), never a change of who the caller is or what roles they have. Then the
 * same name registered in parallel, parallel profile writes and parallel orders.
 */

const REQUEST_TIMEOUT_MS = 5000;
const suffix = randomBytes(4).toString('hex');
const password = `pw-${randomBytes(9).toString('hex')}`;
const name = (base: string) => `${base}-${suffix}`;

let gw: string;
let adminToken: string;
let user: { id: string; username: string; token: string; refresh: string };
let productId: string;

interface Answer {
  status: number;
  text: string;
  ms: number;
}

/** A request with any body bytes and any (or no) content type. */
async function send(
  method: string,
  path: string,
  { token, contentType, body }: { token?: string; contentType: string | null; body: string },
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (contentType !== null) headers['content-type'] = contentType;
  const started = Date.now();
  const response = await fetch(`${gw}${path}`, {
    method,
    headers,
    // Bytes, not a string: fetch would add a text/plain content type of its own.
    body: new TextEncoder().encode(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: response.status, text: await response.text(), ms: Date.now() - started };
}

const login = async (username: string) => {
  const res = await call(gw, 'POST', '/auth/login', { body: { username, password } });
  expect(res.status).toBe(200);
  return res.body as { access_token: string; refresh_token: string };
};
const claimsOf = (token: string) => jwt.decode(token) as jwt.JwtPayload;

beforeAll(async () => {
  const cluster = await sharedCluster();
  gw = cluster.gatewayUrl;
  adminToken = (await call(gw, 'POST', '/auth/login', { body: cluster.admin })).body.access_token;
  const username = name('hostile');
  const registered = await call(gw, 'POST', '/auth/register', { body: { username, password } });
  expect(registered.status).toBe(201);
  const tokens = await login(username);
  user = { id: registered.body.id, username, token: tokens.access_token, refresh: tokens.refresh_token };
  productId = (await call(gw, 'GET', '/api/catalog/products')).body.items[0].id;
});

/** Every public route that takes a body, and the token it is called with. */
const ROUTES = () =>
  [
    ['POST', '/auth/register', undefined],
    ['POST', '/auth/login', undefined],
    ['POST', '/auth/refresh', undefined],
    ['POST', '/auth/logout', undefined],
    ['POST', '/api/catalog/products', adminToken],
    ['POST', '/api/orders', user.token],
    ['PUT', '/api/profile/me', user.token],
  ] as const;

const JSON_TYPE = 'application/json';
const HOSTILE_BODIES: ReadonlyArray<[string, string | null, string]> = [
  ['JSON null', JSON_TYPE, 'null'],
  ['a JSON string', JSON_TYPE, '"admin"'],
  ['a JSON number', JSON_TYPE, '42'],
  ['a JSON array', JSON_TYPE, '[{"roles":["admin"]}]'],
  ['JSON true', JSON_TYPE, 'true'],
  ['invalid JSON', JSON_TYPE, '{"a":'],
  ['an empty body', JSON_TYPE, ''],
  ['2000 levels of nesting', JSON_TYPE, `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`],
  ['2000 levels of arrays', JSON_TYPE, `${'['.repeat(2000)}${']'.repeat(2000)}`],
  ['1000 keys', JSON_TYPE, JSON.stringify(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])))],
  ['a 64 KiB body', JSON_TYPE, JSON.stringify({ username: 'x', password: 'p'.repeat(64 * 1024) })],
  ['a 1 MiB body', JSON_TYPE, JSON.stringify({ displayName: 'd'.repeat(1024 * 1024) })],
  ['duplicate keys naming roles', JSON_TYPE, '{"roles":["user"],"roles":["admin"],"sub":"a","sub":"b"}'],
  ['JSON as text/plain', 'text/plain', '{"username":"x","password":"y"}'],
  ['a form body', 'application/x-www-form-urlencoded', 'username=x&password=y&roles=admin'],
  ['XML', 'application/xml', '<roles>admin</roles>'],
  ['no content type', null, '{"username":"x","password":"y"}'],
  [
    'a multipart body',
    'multipart/form-data; boundary=x',
    '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
  ],
  [
    'prototype keys',
    JSON_TYPE,
    '{"__proto__":{"roles":["admin"],"isAdmin":true},"constructor":{"prototype":{"roles":["admin"]}}}',
  ],
  ['NUL bytes', JSON_TYPE, '{"username":"a\\u0000b","displayName":"x\\u0000","name":"\\u0000","productId":"\\u0000"}'],
];

describe('hostile bodies at every public endpoint: a clear 4xx, never a 5xx or a hang', () => {
  const cases = () =>
    ROUTES().flatMap(([method, path, token]) => HOSTILE_BODIES.map((body) => ({ method, path, token, body })));

  it(`answers all ${7 * HOSTILE_BODIES.length} route × body cases with JSON 4xx within ${REQUEST_TIMEOUT_MS} ms`, async () => {
    const outcomes: string[] = [];
    for (const { method, path, token, body } of cases()) {
      const [bodyName, contentType, text] = body;
      const answer = await send(method, path, { ...(token && { token }), contentType, body: text });
      const json = (() => {
        try {
          return JSON.parse(answer.text) as Record<string, unknown>;
        } catch {
          return undefined;
        }
      })();
      const wellFormed = answer.status >= 400 && answer.status < 500 && typeof json?.['error'] === 'string';
      // Logout of nothing is a 204 (idempotent): a body it cannot use is still no error of ours.
      const acceptable = wellFormed || (path === '/auth/logout' && answer.status === 204);
      if (!acceptable || answer.ms >= REQUEST_TIMEOUT_MS || /\bat \S+ \(|node_modules|\.ts:\d+/.test(answer.text)) {
        outcomes.push(
          `${method} ${path} with ${bodyName}: ${answer.status} in ${answer.ms} ms ${answer.text.slice(0, 120)}`,
        );
      }
    }
    expect(outcomes).toEqual([]);
  });

  it('answers the shape limits with their codes, at every service', async () => {
    const codes: string[] = [];
    for (const [method, path, token] of ROUTES()) {
      for (const [, contentType, text] of HOSTILE_BODIES.filter(([bodyName]) =>
        ['2000 levels of nesting', '1000 keys', 'a 64 KiB body'].includes(bodyName),
      )) {
        const answer = await send(method, path, { ...(token && { token }), contentType, body: text });
        codes.push(`${path} ${answer.status} ${(JSON.parse(answer.text) as { error: string }).error}`);
      }
    }
    expect(codes).toEqual(
      ROUTES().flatMap(([, path]) => [
        `${path} 400 json_too_deep`,
        `${path} 400 json_too_many_keys`,
        `${path} 413 body_too_large`,
      ]),
    );
  });
});

describe('fields that name an identity change nobody', () => {
  const IDENTITY_FIELDS = {
    sub: 'someone-else',
    userId: 'someone-else',
    user_id: 'someone-else',
    roles: ['admin'],
    role: 'admin',
    isAdmin: true,
    is_admin: true,
    admin: true,
    [IS_ADMIN_CLAIM]: true,
  };

  it('registering with them makes a plain user', async () => {
    const username = name('identity-reg');
    const res = await call(gw, 'POST', '/auth/register', { body: { username, password, ...IDENTITY_FIELDS } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), username, roles: ['user'] });
    expect(res.body.id).not.toBe('someone-else');
    const claims = claimsOf((await login(username)).access_token);
    expect(claims).toMatchObject({ sub: res.body.id, roles: ['user'], [IS_ADMIN_CLAIM]: false });
  });

  it('logging in and refreshing with them gives the same user with the same roles', async () => {
    const loggedIn = await call(gw, 'POST', '/auth/login', {
      body: { username: user.username, password, ...IDENTITY_FIELDS },
    });
    expect(loggedIn.status).toBe(200);
    expect(claimsOf(loggedIn.body.access_token)).toMatchObject({
      sub: user.id,
      roles: ['user'],
      [IS_ADMIN_CLAIM]: false,
    });
    const refreshed = await call(gw, 'POST', '/auth/refresh', {
      body: { refresh_token: loggedIn.body.refresh_token, ...IDENTITY_FIELDS },
    });
    expect(refreshed.status).toBe(200);
    expect(claimsOf(refreshed.body.access_token)).toMatchObject({ sub: user.id, roles: ['user'] });
  });

  it('an order with them belongs to the caller; a profile write with them leaves the claims alone', async () => {
    const order = await call(gw, 'POST', '/api/orders', {
      token: user.token,
      body: { productId, quantity: 1, ...IDENTITY_FIELDS },
    });
    expect(order.status).toBe(201);
    expect(order.body.userId).toBe(user.id);
    const profile = await call(gw, 'PUT', '/api/profile/me', {
      token: user.token,
      body: { displayName: 'Still me', ...IDENTITY_FIELDS, username: 'admin' },
    });
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({
      sub: user.id,
      username: user.username,
      roles: ['user'],
      displayName: 'Still me',
    });
  });

  it('after every hostile body above, the caller is still who they were', async () => {
    const me = await call(gw, 'GET', '/api/profile/me', { token: user.token });
    expect(me.body).toMatchObject({ sub: user.id, username: user.username, roles: ['user'] });
    expect(claimsOf((await login(user.username)).access_token)).toMatchObject({ sub: user.id, roles: ['user'] });
    // Nothing an order body said made anyone else its owner.
    const orders = await call(gw, 'GET', '/api/orders', { token: user.token });
    expect(orders.body.items.every((item: { userId: string }) => item.userId === user.id)).toBe(true);
    expect(({} as Record<string, unknown>)['roles']).toBeUndefined();
  });
});

describe('concurrency against real PostgreSQL', () => {
  it('registers one name sent 12 times in parallel exactly once (one 201, eleven 409)', async () => {
    const username = name('race');
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => call(gw, 'POST', '/auth/register', { body: { username, password } })),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual(['201', ...Array(11).fill('409')].map(Number).sort());
  });

  it('applies parallel profile writes atomically: each answer is its own write, and the last writer wins', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `Writer ${i}`);
    const answers = await Promise.all(
      names.map((displayName) => call(gw, 'PUT', '/api/profile/me', { token: user.token, body: { displayName } })),
    );
    expect(answers.map((answer) => [answer.status, answer.body.displayName])).toEqual(names.map((n) => [200, n]));
    const final = (await call(gw, 'GET', '/api/profile/me', { token: user.token })).body.displayName;
    expect(names).toContain(final);
  });

  it('places 12 parallel orders without a key exactly once each, and 12 with one key once in all', async () => {
    const before = (await call(gw, 'GET', '/api/orders', { token: user.token })).body.items.length;
    const unkeyed = await Promise.all(
      Array.from({ length: 12 }, () =>
        call(gw, 'POST', '/api/orders', { token: user.token, body: { productId, quantity: 2 } }),
      ),
    );
    expect(new Set(unkeyed.map((answer) => answer.status))).toEqual(new Set([201]));
    expect(new Set(unkeyed.map((answer) => answer.body.id)).size).toBe(12);
    const key = randomUUID();
    const keyed = await Promise.all(
      Array.from({ length: 12 }, () =>
        call(gw, 'POST', '/api/orders', {
          token: user.token,
          body: { productId, quantity: 3 },
          headers: { 'idempotency-key': key },
        }),
      ),
    );
    expect(new Set(keyed.map((answer) => answer.status))).toEqual(new Set([201]));
    expect(new Set(keyed.map((answer) => answer.body.id)).size).toBe(1);
    expect(keyed.filter((answer) => answer.headers.get('idempotent-replayed') === 'true')).toHaveLength(11);
    const after = (await call(gw, 'GET', '/api/orders', { token: user.token })).body.items.length;
    expect(after - before).toBe(13);
  });
});
