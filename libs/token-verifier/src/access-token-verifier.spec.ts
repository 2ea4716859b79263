import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { IS_ADMIN_CLAIM } from '@jwt-msa/claims';
import { recordingServer, type RecordingServer } from '@jwt-msa/testing';
import { AccessTokenSigner, generateSigningKey, type SigningKey } from '@jwt-msa/token-issuer';
import {
  AccessTokenVerifier,
  JwksKeyStore,
  JwksUnavailableError,
  TokenRejectedError,
  type JwksKeyStoreOptions,
} from './index';

const ISSUER = 'http://issuer.test';
const AUDIENCE = 'jwt-msa-api';

let key: SigningKey;
let otherKey: SigningKey;
let jwksServer: RecordingServer;
let jwksUrl: string;
/** What the JWKS server publishes; undefined = the issuer key alone. */
let published: object[] | undefined;
const jwksRequests = () => jwksServer.requests.length;

const startJwksServer = () => recordingServer(() => ({ body: { keys: published ?? [key.publicJwk] } }));

function newVerifier(uris = [jwksUrl], store: Partial<JwksKeyStoreOptions> = {}) {
  const keys = new JwksKeyStore({
    jwksUris: uris,
    cacheMaxAgeMs: 60_000,
    staleFallbackMs: 60_000,
    refetchesPerMinute: 3,
    timeoutMs: 1000,
    ...store,
  });
  return new AccessTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 5, keys });
}

const subject = { sub: 'user-1', username: 'alice', roles: ['user'] };

function signRaw(payload: object, options: jwt.SignOptions = {}, signingKey: SigningKey = key): string {
  return jwt.sign({ username: 'alice', roles: ['user'], [IS_ADMIN_CLAIM]: false, ...payload }, signingKey.privateKey, {
    algorithm: 'RS256',
    keyid: signingKey.kid,
    header: { alg: 'RS256', typ: 'at+jwt' },
    issuer: ISSUER,
    audience: AUDIENCE,
    subject: 'user-1',
    expiresIn: 60,
    jwtid: 'j-1',
    ...options,
  });
}

/** Signs any header and payload, bypassing jsonwebtoken's own option checks. */
function forge(header: object, payload: object, signingKey: SigningKey = key): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(signingKey.privateKey).toString('base64url')}`;
}

function validPayload(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    iat: now,
    exp: now + 60,
    jti: 'j-1',
    username: 'alice',
    roles: ['user'],
    [IS_ADMIN_CLAIM]: false,
  };
}

function forgeWithout(claim: string, replacement?: unknown): string {
  const payload = validPayload();
  if (replacement === undefined) delete payload[claim];
  else payload[claim] = replacement;
  return forge({ alg: 'RS256', typ: 'at+jwt', kid: key.kid }, payload);
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TokenRejectedError) return error.reason;
    throw error;
  }
  return 'accepted';
}

beforeAll(async () => {
  [key, otherKey] = await Promise.all([generateSigningKey(), generateSigningKey()]);
  jwksServer = await startJwksServer();
  jwksUrl = `${jwksServer.url}/.well-known/jwks.json`;
});
afterAll(() => jwksServer.close());
afterEach(() => {
  published = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('AccessTokenVerifier', () => {
  const signer = new AccessTokenSigner({ issuer: ISSUER, audience: AUDIENCE, ttlSeconds: 60 });

  it('accepts a token from the issuer and returns its claims', async () => {
    const { token } = signer.sign(key, subject);
    const claims = await newVerifier().verify(token);
    expect(claims).toMatchObject({ sub: 'user-1', username: 'alice', roles: ['user'], iss: ISSUER, aud: AUDIENCE });
  });

  it.each([
    ['expired', () => signRaw({}, { expiresIn: -60 }), 'expired'],
    ['not yet valid', () => signRaw({}, { notBefore: 120 }), 'not_yet_valid'],
    ['wrong issuer', () => signRaw({}, { issuer: 'http://evil.test' }), 'bad_issuer'],
    ['wrong audience', () => signRaw({}, { audience: 'other-api' }), 'bad_audience'],
    ['missing audience', () => forgeWithout('aud'), 'bad_audience'],
    ['missing exp', () => forgeWithout('exp'), 'bad_claims'],
    ['missing sub', () => forgeWithout('sub'), 'bad_claims'],
    ['roles as a string', () => forgeWithout('roles', 'admin'), 'bad_claims'],
    ['roles as an object', () => forgeWithout('roles', { admin: true }), 'bad_claims'],
    ['exp as a string', () => forgeWithout('exp', '9999999999'), 'bad_claims'],
    ['forged control (all claims valid)', () => forgeWithout('nothing-removed'), 'accepted'],
    ['signed by a key outside the JWKS', () => signRaw({}, {}, otherKey), 'unknown_kid'],
    ['foreign key reusing a known kid', () => signRaw({}, { keyid: key.kid }, otherKey), 'bad_signature'],
    ['no typ header', () => jwt.sign({ x: 1 }, key.privateKey, { algorithm: 'RS256', keyid: key.kid }), 'bad_type'],
    [
      'a jku header',
      () => signRaw({}, { header: { alg: 'RS256', typ: 'at+jwt', jku: 'http://evil.test/jwks' } as jwt.JwtHeader }),
      'forbidden_header',
    ],
    [
      'alg none',
      () =>
        jwt.sign({ sub: 'x' }, null as unknown as string, {
          algorithm: 'none',
          header: { alg: 'none', typ: 'at+jwt', kid: 'k' } as jwt.JwtHeader,
        }) + 'sig',
      'bad_algorithm',
    ],
    [
      'HS256 with the public key as secret',
      () =>
        jwt.sign({ sub: 'x' }, Buffer.from(JSON.stringify(key.publicJwk)), {
          algorithm: 'HS256',
          keyid: key.kid,
          header: { alg: 'HS256', typ: 'at+jwt' },
        }),
      'bad_algorithm',
    ],
    ['not three parts', () => 'abc.def', 'malformed'],
  ])('rejects a token: %s', async (_name, makeToken, reason) => {
    expect(await reasonOf(newVerifier().verify(makeToken()))).toBe(reason);
  });

  it('rejects a valid signature over a tampered payload', async () => {
    const [header, payload, signature] = signer.sign(key, subject).token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), roles: ['admin'] }),
    ).toString('base64url');
    expect(await reasonOf(newVerifier().verify(`${header}.${forged}.${signature}`))).toBe('bad_signature');
  });

  it('rate-limits JWKS refetches for unknown kids', async () => {
    const verifier = newVerifier();
    const before = jwksRequests();
    for (let i = 0; i < 20; i += 1) {
      expect(await reasonOf(verifier.verify(signRaw({}, { keyid: `random-${i}` }, otherKey)))).toBe('unknown_kid');
    }
    // The first load of the set, then the budget of 3 unknown-kid fetches per minute.
    expect(jwksRequests() - before).toBe(1 + 3);
  });

  it('keeps verifying with cached keys when the JWKS endpoint goes away, and says 503 for new kids', async () => {
    const server = await startJwksServer();
    const verifier = newVerifier([`${server.url}/jwks`]);
    const { token } = signer.sign(key, subject);
    await verifier.verify(token);
    await server.close();
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'user-1' });
    await expect(verifier.verify(signRaw({}, { keyid: 'not-cached-kid' }, otherKey))).rejects.toBeInstanceOf(
      JwksUnavailableError,
    );
  });

  it('keeps known keys working while random kids are flooding (no rate-limit lockout after the cache ages)', async () => {
    const verifier = newVerifier([jwksUrl], { cacheMaxAgeMs: 100, refetchesPerMinute: 2 });
    const { token } = signer.sign(key, subject);
    await verifier.verify(token);
    const flood = Array.from({ length: 60 }, (_, i) => signRaw({}, { keyid: `flood-${i}` }, otherKey));
    const before = jwksRequests();
    for (const forged of flood.slice(0, 30)) expect(await reasonOf(verifier.verify(forged))).toBe('unknown_kid');
    await sleep(150); // the cached set is now past its max age, and the unknown-kid budget is spent
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'user-1' });
    for (const forged of flood.slice(30)) expect(await reasonOf(verifier.verify(forged))).toBe('unknown_kid');
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'user-1' });
    // 2 budgeted unknown-kid fetches, plus at most one background refresh per max age elapsed.
    expect(jwksRequests() - before).toBeLessThanOrEqual(5);
  });

  it('learns a newly published key in the background, without an unknown-kid fetch', async () => {
    const verifier = newVerifier([jwksUrl], { cacheMaxAgeMs: 100, refetchesPerMinute: 1 });
    await verifier.verify(signer.sign(key, subject).token);
    await reasonOf(verifier.verify(signRaw({}, { keyid: 'spend-the-budget' }, otherKey)));
    published = [key.publicJwk, otherKey.publicJwk];
    expect(await reasonOf(verifier.verify(signer.sign(otherKey, subject).token))).toBe('unknown_kid'); // not fetched: no budget
    await sleep(150);
    await verifier.verify(signer.sign(key, subject).token); // an aged set: refreshed in the background
    await sleep(50);
    await expect(verifier.verify(signer.sign(otherKey, subject).token)).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('stops accepting a key once the issuer no longer publishes it', async () => {
    published = [key.publicJwk, otherKey.publicJwk];
    const verifier = newVerifier([jwksUrl], { cacheMaxAgeMs: 100 });
    const retiring = signer.sign(otherKey, subject).token;
    await verifier.verify(retiring);
    published = [key.publicJwk];
    await sleep(150);
    await verifier.verify(signer.sign(key, subject).token);
    await sleep(50);
    expect(await reasonOf(verifier.verify(retiring))).toBe('unknown_kid');
  });

  it('fetches once for many concurrent first requests', async () => {
    const verifier = newVerifier();
    const before = jwksRequests();
    const { token } = signer.sign(key, subject);
    await Promise.all(Array.from({ length: 10 }, () => verifier.verify(token)));
    expect(jwksRequests() - before).toBe(1);
  });

  it('ignores JWKS entries that are not RS256 keys of at least 2048 bits, or whose kid is listed twice', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwkOf = (publicKey: KeyObject, kid: string, extra: object = {}) => ({
      ...publicKey.export({ format: 'jwk' }),
      kid,
      use: 'sig',
      ...extra,
    });
    published = [
      key.publicJwk,
      jwkOf(weak.publicKey, 'weak'),
      jwkOf(ec.publicKey, 'ec', { alg: 'ES256' }),
      { ...otherKey.publicJwk, kid: 'rs512', alg: 'RS512' },
      { ...otherKey.publicJwk, kid: 'twice' },
      { ...key.publicJwk, kid: 'twice' },
    ];
    const verifier = newVerifier([jwksUrl], { refetchesPerMinute: 100 });
    await expect(verifier.verify(signer.sign(key, subject).token)).resolves.toMatchObject({ sub: 'user-1' });
    const weakToken = forge({ alg: 'RS256', typ: 'at+jwt', kid: 'weak' }, validPayload(), {
      kid: 'weak',
      privateKey: weak.privateKey,
      publicJwk: key.publicJwk,
    });
    expect(await reasonOf(verifier.verify(weakToken))).toBe('unknown_kid');
    expect(
      await reasonOf(verifier.verify(forge({ alg: 'RS256', typ: 'at+jwt', kid: 'rs512' }, validPayload(), otherKey))),
    ).toBe('unknown_kid');
    expect(
      await reasonOf(verifier.verify(forge({ alg: 'RS256', typ: 'at+jwt', kid: 'twice' }, validPayload(), otherKey))),
    ).toBe('unknown_kid');
    expect(
      await reasonOf(verifier.verify(forge({ alg: 'RS256', typ: 'at+jwt', kid: 'twice' }, validPayload(), key))),
    ).toBe('unknown_kid');
  });

  it('answers 503 (not a stale key) once a key is older than max age + stale fallback and the issuer is down', async () => {
    const server = await startJwksServer();
    const verifier = newVerifier([`${server.url}/jwks`], { cacheMaxAgeMs: 50, staleFallbackMs: 50 });
    const { token } = signer.sign(key, subject);
    await verifier.verify(token);
    await server.close();
    await sleep(120);
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(JwksUnavailableError);
  });

  it('fails over to the next JWKS URL', async () => {
    const verifier = newVerifier(['http://127.0.0.1:1/jwks', jwksUrl]);
    await expect(verifier.verify(signer.sign(key, subject).token)).resolves.toMatchObject({ sub: 'user-1' });
  });
});

describe('AccessTokenVerifier.tokenFromAuthorization', () => {
  it.each([
    [undefined, 'missing_token'],
    ['', 'missing_token'],
    ['Basic abc', 'malformed'],
    ['Bearer', 'malformed'],
    ['Bearer a b', 'malformed'],
  ])('rejects %p', (header, reason) => {
    expect(() => AccessTokenVerifier.tokenFromAuthorization(header)).toThrow(expect.objectContaining({ reason }));
  });

  it('accepts any casing of the scheme', () => {
    expect(AccessTokenVerifier.tokenFromAuthorization('bearer a.b.c')).toBe('a.b.c');
  });
});
