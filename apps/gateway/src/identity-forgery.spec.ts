import request from 'supertest';
import jwt from 'jsonwebtoken';
import { IDENTITY_HEADERS } from '@jwt-msa/claims';
import { rawRequest, startGatewayHarness, type GatewayHarness, type Seen } from '../test/attack-kit';

/**
 * A client cannot choose who it is: whatever identity headers it sends (any casing, repeated,
 * comma-joined, underscored, or named hop-by-hop), the service sees exactly the gateway's own,
 * from the verified token; and every response carries the security headers.
 */

let gw: GatewayHarness;
let expected: Record<string, string>;

beforeAll(async () => {
  gw = await startGatewayHarness();
  const claims = jwt.decode(gw.validToken) as jwt.JwtPayload;
  expected = {
    [IDENTITY_HEADERS.userId]: 'id-alice',
    [IDENTITY_HEADERS.username]: 'alice',
    [IDENTITY_HEADERS.roles]: 'user',
    [IDENTITY_HEADERS.tokenId]: claims.jti!,
    [IDENTITY_HEADERS.tokenExpiresAt]: String(claims.exp),
  };
});
afterAll(async () => {
  await gw.stop();
});

/** Sends header lines exactly as written and returns what the upstream received. */
async function send(path: string, headerLines: string[]): Promise<{ status: number; seen: Seen | undefined }> {
  const before = gw.upstream.requests.length;
  const res = await rawRequest(
    gw.port,
    [`GET ${path} HTTP/1.1`, 'Host: localhost', ...headerLines, 'Connection: close', '', ''].join('\r\n'),
  );
  return { status: res.status, seen: gw.upstream.requests[before] };
}

const identityNamesIn = (seen: Seen) =>
  Object.keys(seen.headers)
    .filter((name) => /^x[-_](user|token|auth)[-_]/i.test(name))
    .sort();
const mixedCase = (name: string) =>
  name
    .split('')
    .map((c, i) => (i % 2 ? c.toUpperCase() : c))
    .join('');

const headerNames = [...Object.values(IDENTITY_HEADERS), 'x-auth-user', 'x-auth-request-email'];
const variants: Array<[string, (name: string) => string[]]> = [
  ['lower case', (name) => [`${name}: forged`]],
  ['upper case', (name) => [`${name.toUpperCase()}: forged`]],
  ['mixed case', (name) => [`${mixedCase(name)}: forged`]],
  ['repeated', (name) => [`${name}: forged`, `${name.toUpperCase()}: forged-again`]],
  ['comma-joined', (name) => [`${name}: forged, ${expected[name] ?? 'x'}`]],
  ['with underscores', (name) => [`${name.replace(/-/g, '_')}: forged`]],
];
const cases = headerNames.flatMap((name) => variants.map(([variant, lines]) => [name, variant, lines] as const));

describe('forged identity headers on a protected route', () => {
  it.each(cases)('%s (%s) is replaced by the verified claim', async (name, _variant, lines) => {
    const { status, seen } = await send('/api/orders', [`Authorization: Bearer ${gw.validToken}`, ...lines(name)]);
    expect(status).toBe(200);
    expect(identityNamesIn(seen!)).toEqual(Object.keys(expected).sort());
    for (const [header, value] of Object.entries(expected)) expect(seen!.headers[header]).toBe(value);
  });
});

describe('forged identity headers on a public route', () => {
  it.each(cases)('%s (%s) is removed', async (name, _variant, lines) => {
    const { status, seen } = await send('/api/catalog/products', lines(name));
    expect(status).toBe(200);
    expect(identityNamesIn(seen!)).toEqual([]);
  });
});

describe('other ways to smuggle an identity', () => {
  it('cannot make the gateway drop its own identity headers by naming them hop-by-hop', async () => {
    const { status, seen } = await send('/api/orders', [
      `Authorization: Bearer ${gw.validToken}`,
      'Connection: keep-alive, X-User-Id, X-User-Roles, X-User-Name',
    ]);
    expect(status).toBe(200);
    expect(seen!.headers['x-user-id']).toBe('id-alice');
    expect(seen!.headers['x-user-roles']).toBe('user');
  });

  it('forwards the very token it verified when two Authorization headers are sent', async () => {
    const admin = gw.signer.sign(gw.key, { sub: 'id-root', username: 'root', roles: ['user', 'admin'] }).token;
    for (const [first, second, user] of [
      [gw.validToken, admin, 'id-alice'],
      [admin, gw.validToken, 'id-root'],
    ] as const) {
      const { status, seen } = await send('/api/orders', [
        `Authorization: Bearer ${first}`,
        `Authorization: Bearer ${second}`,
      ]);
      expect(status).toBe(200);
      expect(seen!.headers['x-user-id']).toBe(user);
      expect(seen!.headers.authorization).toBe(`Bearer ${first}`);
    }
  });

  it('appends the real peer address as the last X-Forwarded-For hop, whatever the client sent', async () => {
    const { seen } = await send('/auth/login', ['X-Forwarded-For: 203.0.113.9', 'X-Forwarded-For: 198.51.100.7']);
    const hops = String(seen!.headers['x-forwarded-for'])
      .split(',')
      .map((hop) => hop.trim());
    expect(hops.slice(0, -1)).toEqual(['203.0.113.9', '198.51.100.7']);
    expect(hops.at(-1)).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
  });
});

describe('security headers', () => {
  const admin = () => gw.signer.sign(gw.key, { sub: 'id-root', username: 'root', roles: ['user'] }).token;
  const responses: Array<[string, () => request.Test]> = [
    ['a proxied 200', () => request(gw.url).get('/api/orders').set('Authorization', `Bearer ${gw.validToken}`)],
    ['a public 200', () => request(gw.url).get('/api/catalog/products')],
    ['a 401', () => request(gw.url).get('/api/orders')],
    ['a 403', () => request(gw.url).post('/api/catalog/products').set('Authorization', `Bearer ${admin()}`)],
    ['a 404', () => request(gw.url).get('/nope')],
    ['a 400', () => request(gw.url).get('/api/orders/%2e%2e/x')],
    ['the gateway health check', () => request(gw.url).get('/healthz')],
  ];
  it.each(responses)('are on %s, and X-Powered-By is not', async (_name, call) => {
    const res = await call();
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': expect.stringContaining('max-age='),
      'content-security-policy': expect.stringContaining("default-src 'self'"),
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'same-origin',
    });
    if (res.status >= 400) expect(Object.keys(res.body).sort()).toEqual(['error', 'message']);
  });
});
