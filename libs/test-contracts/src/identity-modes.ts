import { createHmac, createPublicKey } from 'node:crypto';
import type { RequestListener } from 'node:http';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { IS_ADMIN_CLAIM } from '@jwt-msa/claims';
import { recordingServer, type RecordingServer } from '@jwt-msa/testing';
import { AccessTokenSigner, generateSigningKey, type SigningKey } from '@jwt-msa/token-issuer';
import { verifierSettings } from '@jwt-msa/token-verifier';

/**
 * One contract for every domain service, in both identity modes:
 *
 * - default: the caller is whoever the gateway's identity headers say (the token is not read);
 * - VERIFY_FORWARDED_TOKEN=true: the caller is whoever the forwarded token, verified by the
 *   service against the issuer's JWKS (a real HTTP server here), says; identity headers are
 *   ignored, so they can neither add a caller nor override the token's.
 *
 * Each service supplies one probe request and what it answers for alice (role user), root (roles
 * user and admin) and an anonymous caller.
 */
export interface IdentityModeSubject {
  /** The service app with these settings added (e.g. the verify-token ones). */
  app(env: Record<string, string>): RequestListener;
  /** Sends the probe with these headers; userId is whose data the service answered with, if any. */
  probe(app: RequestListener, headers: Record<string, string>): Promise<Outcome>;
  expected: { alice: Outcome; root: Outcome; anonymous: Outcome };
}

export interface Outcome {
  status: number;
  userId?: string;
}

const ISSUER = 'http://issuer.test';
const AUDIENCE = 'jwt-msa-api';
const users = {
  alice: { sub: 'id-alice', username: 'alice', roles: ['user'] },
  root: { sub: 'id-root', username: 'root', roles: ['user', 'admin'] },
} as const;
type User = keyof typeof users;

const headersOf = (user: User): Record<string, string> => ({
  'x-user-id': users[user].sub,
  'x-user-name': users[user].username,
  'x-user-roles': users[user].roles.join(','),
  'x-token-id': 't-1',
});

export function describeIdentityModes(service: string, subject: () => IdentityModeSubject): void {
  describeVerifierSettings(service, subject);

  let key: SigningKey;
  let foreignKey: SigningKey;
  let jwks: RecordingServer;
  let headerMode: RequestListener;
  let verifyMode: RequestListener;
  const signer = () => new AccessTokenSigner({ issuer: ISSUER, audience: AUDIENCE, ttlSeconds: 60 });
  const tokenOf = (user: User, signingKey = key) =>
    signer().sign(signingKey, { ...users[user], roles: [...users[user].roles] }).token;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const check = async (app: () => RequestListener, headers: Record<string, string>, expected: Outcome) => {
    const outcome = await subject().probe(app(), headers);
    expect(outcome).toEqual(expected);
  };

  beforeAll(async () => {
    [key, foreignKey] = await Promise.all([generateSigningKey(), generateSigningKey()]);
    jwks = await recordingServer(() => ({ body: { keys: [key.publicJwk] } }));
    const jwksUrl = `${jwks.url}/.well-known/jwks.json`;
    headerMode = subject().app({});
    verifyMode = subject().app({
      VERIFY_FORWARDED_TOKEN: 'true',
      JWKS_URLS: jwksUrl,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
    });
  });
  afterAll(() => jwks.close());

  describe(`${service}: identity from the gateway's headers (default)`, () => {
    it('acts for the user the identity headers name', async () => {
      await check(() => headerMode, headersOf('alice'), subject().expected.alice);
      await check(() => headerMode, headersOf('root'), subject().expected.root);
    });

    it('does not read tokens: a bearer token alone identifies nobody', async () => {
      await check(() => headerMode, bearer(tokenOf('root')), subject().expected.anonymous);
    });
  });

  describe(`${service}: identity from the forwarded token, verified here (VERIFY_FORWARDED_TOKEN=true)`, () => {
    it('acts for the user the verified token names', async () => {
      await check(() => verifyMode, bearer(tokenOf('root')), subject().expected.root);
      await check(() => verifyMode, bearer(tokenOf('alice')), subject().expected.alice);
    });

    it('ignores identity headers that disagree with the token', async () => {
      await check(() => verifyMode, { ...headersOf('root'), ...bearer(tokenOf('alice')) }, subject().expected.alice);
    });

    it('ignores identity headers without a token', async () => {
      await check(() => verifyMode, headersOf('root'), subject().expected.anonymous);
    });

    const forged: Array<[string, () => string]> = [
      ['signed by a key outside the JWKS', () => tokenOf('root', foreignKey)],
      [
        'a foreign key under the issuer kid',
        () =>
          jwt.sign({ ...users.root, iss: ISSUER, aud: AUDIENCE }, foreignKey.privateKey, {
            algorithm: 'RS256',
            keyid: key.kid,
            header: { alg: 'RS256', typ: 'at+jwt' },
            expiresIn: 60,
          }),
      ],
      [
        'expired',
        () =>
          jwt.sign({ ...users.root, jti: 'j', [IS_ADMIN_CLAIM]: true }, key.privateKey, {
            algorithm: 'RS256',
            keyid: key.kid,
            header: { alg: 'RS256', typ: 'at+jwt' },
            issuer: ISSUER,
            audience: AUDIENCE,
            expiresIn: -60,
          }),
      ],
      [
        'for another audience',
        () =>
          new AccessTokenSigner({ issuer: ISSUER, audience: 'another-api', ttlSeconds: 60 }).sign(key, {
            ...users.root,
            roles: ['user', 'admin'],
          }).token,
      ],
      [
        'HS256 with the public key as the secret',
        () => {
          const input = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })).toString('base64url')}.${tokenOf('root').split('.')[1]}`;
          return `${input}.${createHmac(
            'sha256',
            createPublicKey(key.privateKey).export({ type: 'spki', format: 'pem' }),
          )
            .update(input)
            .digest('base64url')}`;
        },
      ],
      [
        'alg none',
        () =>
          `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: key.kid })).toString('base64url')}.${tokenOf('root').split('.')[1]}.`,
      ],
    ];
    it.each(forged)('answers 401 to a token %s, whatever the headers say', async (_name, token) => {
      const res = await subject().probe(verifyMode, { ...headersOf('root'), ...bearer(token()) });
      expect(res).toEqual({ status: 401 });
    });

    it("fetched the JWKS only to load it and once for the foreign key's unknown kid", () => {
      expect(jwks.requests).toHaveLength(2);
    });
  });
}

type JwksBehaviour = 'answer' | 'fail' | 'hang';

/** A JWKS endpoint a test can break: it answers, fails with 500, or never answers. */
async function controllableJwks(key: SigningKey) {
  let behaviour: JwksBehaviour = 'answer';
  const server = await recordingServer(() => {
    if (behaviour === 'hang') return 'hang';
    return behaviour === 'fail' ? { status: 500 } : { body: { keys: [key.publicJwk] } };
  });
  return {
    url: `${server.url}/.well-known/jwks.json`,
    fetches: () => server.requests.length,
    behave: (next: JwksBehaviour) => {
      behaviour = next;
    },
    close: () => server.close(),
  };
}

/**
 * Verify-token mode honours every token verification setting, exactly as the gateway does (both
 * build their verifier with createTokenVerifier from the same schema): one behaviour per setting,
 * and a setting added to the schema without a behaviour here fails the last test.
 */
export function describeVerifierSettings(service: string, subject: () => IdentityModeSubject): void {
  let key: SigningKey;
  let foreignKey: SigningKey;
  let jwks: Awaited<ReturnType<typeof controllableJwks>>;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const sign = (signingKey: SigningKey, options: jwt.SignOptions = {}) =>
    jwt.sign({ ...users.alice, jti: `j-${Math.random()}`, [IS_ADMIN_CLAIM]: false }, signingKey.privateKey, {
      algorithm: 'RS256',
      keyid: signingKey.kid,
      header: { alg: 'RS256', typ: 'at+jwt' },
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: 60,
      ...options,
    });
  const appWith = (settings: Record<string, string>) =>
    subject().app({
      VERIFY_FORWARDED_TOKEN: 'true',
      JWKS_URLS: jwks.url,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      ...settings,
    });
  const asAlice = (app: RequestListener, token: string) => subject().probe(app, { authorization: `Bearer ${token}` });

  beforeAll(async () => {
    [key, foreignKey] = await Promise.all([generateSigningKey(), generateSigningKey()]);
    jwks = await controllableJwks(key);
  });
  beforeEach(() => jwks.behave('answer'));
  afterAll(() => jwks.close());

  const behaviours: Record<keyof typeof verifierSettings | 'issuer' | 'audience', () => Promise<void>> = {
    issuer: async () => {
      expect(await asAlice(appWith({}), sign(key, { issuer: 'http://elsewhere.test' }))).toEqual({ status: 401 });
      expect(
        await asAlice(appWith({ JWT_ISSUER: 'http://elsewhere.test' }), sign(key, { issuer: 'http://elsewhere.test' })),
      ).toEqual(subject().expected.alice);
    },
    audience: async () => {
      expect(await asAlice(appWith({ JWT_AUDIENCE: 'other-api' }), sign(key, { audience: 'other-api' }))).toEqual(
        subject().expected.alice,
      );
    },
    jwksUrls: async () => {
      const before = jwks.fetches();
      expect(await asAlice(appWith({}), sign(key))).toEqual(subject().expected.alice);
      expect(jwks.fetches()).toBe(before + 1);
    },
    clockToleranceSeconds: async () => {
      const expiredAMinuteAgo = sign(key, { expiresIn: -60 });
      expect(await asAlice(appWith({}), expiredAMinuteAgo)).toEqual({ status: 401 });
      expect(await asAlice(appWith({ CLOCK_TOLERANCE_SECONDS: '120' }), expiredAMinuteAgo)).toEqual(
        subject().expected.alice,
      );
    },
    jwksRefetchesPerMinute: async () => {
      const app = appWith({ JWKS_REFETCHES_PER_MINUTE: '1' });
      expect(await asAlice(app, sign(key))).toEqual(subject().expected.alice);
      const loaded = jwks.fetches();
      // Two tokens signed by keys the issuer never published: only the first may cost a fetch.
      for (const stranger of [foreignKey, await generateSigningKey()]) {
        expect(await asAlice(app, sign(stranger))).toEqual({ status: 401 });
      }
      expect(jwks.fetches()).toBe(loaded + 1);
    },
    jwksTimeoutMs: async () => {
      jwks.behave('hang');
      const started = Date.now();
      expect(await asAlice(appWith({ JWKS_TIMEOUT_MS: '200' }), sign(key))).toEqual({ status: 503 });
      expect(Date.now() - started).toBeLessThan(1500);
    },
    jwksCacheMaxAgeSeconds: async () => {
      const app = appWith({ JWKS_CACHE_MAX_AGE_SECONDS: '1' });
      expect(await asAlice(app, sign(key))).toEqual(subject().expected.alice);
      const loaded = jwks.fetches();
      await sleep(1100);
      expect(await asAlice(app, sign(key))).toEqual(subject().expected.alice);
      await sleep(100);
      expect(jwks.fetches()).toBe(loaded + 1);
    },
    jwksStaleFallbackSeconds: async () => {
      const settings = { JWKS_CACHE_MAX_AGE_SECONDS: '1', VERIFIED_TOKEN_CACHE_MAX_ENTRIES: '0' };
      const [lenient, strict] = [appWith(settings), appWith({ ...settings, JWKS_STALE_FALLBACK_SECONDS: '0' })];
      for (const app of [lenient, strict]) expect(await asAlice(app, sign(key))).toEqual(subject().expected.alice);
      jwks.behave('fail');
      await sleep(1100);
      expect(await asAlice(lenient, sign(key))).toEqual(subject().expected.alice);
      expect(await asAlice(strict, sign(key))).toEqual({ status: 503 });
    },
    verifiedTokenCacheMaxEntries: async () => {
      const settings = { JWKS_CACHE_MAX_AGE_SECONDS: '1', JWKS_STALE_FALLBACK_SECONDS: '0' };
      const [cached, uncached] = [appWith(settings), appWith({ ...settings, VERIFIED_TOKEN_CACHE_MAX_ENTRIES: '0' })];
      const token = sign(key);
      for (const app of [cached, uncached]) expect(await asAlice(app, token)).toEqual(subject().expected.alice);
      jwks.behave('fail');
      await sleep(1100);
      // Keys unusable now: only a token the cache remembers as verified still passes.
      expect(await asAlice(cached, token)).toEqual(subject().expected.alice);
      expect(await asAlice(uncached, token)).toEqual({ status: 503 });
    },
    verifiedTokenCacheMaxMb: async () => {
      const settings = { JWKS_CACHE_MAX_AGE_SECONDS: '1', JWKS_STALE_FALLBACK_SECONDS: '0' };
      const [roomy, tight] = [appWith(settings), appWith({ ...settings, VERIFIED_TOKEN_CACHE_MAX_MB: '1' })];
      // ~5.7 kB per cache entry: 200 of them overflow 1 MB (never the default 64 MB).
      const padded = Array.from({ length: 200 }, (_, i) =>
        jwt.sign({ ...users.alice, jti: `big-${i}`, [IS_ADMIN_CLAIM]: false, note: 'x'.repeat(5300) }, key.privateKey, {
          algorithm: 'RS256',
          keyid: key.kid,
          header: { alg: 'RS256', typ: 'at+jwt' },
          issuer: ISSUER,
          audience: AUDIENCE,
          expiresIn: 60,
        }),
      );
      for (const app of [roomy, tight]) {
        for (const token of padded) expect(await asAlice(app, token)).toEqual(subject().expected.alice);
      }
      jwks.behave('fail');
      await sleep(1100);
      // Keys unusable now: the oldest token is still remembered by the roomy cache only.
      expect(await asAlice(roomy, padded[0]!)).toEqual(subject().expected.alice);
      expect(await asAlice(tight, padded[0]!)).toEqual({ status: 503 });
    },
  };

  describe(`${service}: verify-token mode honours every token verification setting`, () => {
    it.each(Object.keys(behaviours))('%s', async (setting) => {
      await behaviours[setting as keyof typeof behaviours]();
    });

    it('has a behaviour above for every setting of the verifier schema', () => {
      expect(Object.keys(behaviours).sort()).toEqual([...Object.keys(verifierSettings), 'issuer', 'audience'].sort());
    });
  });
}

/** Runs a supertest request and reduces it to an Outcome. */
export async function outcomeOf(
  test: request.Test,
  userIdOf: (body: Record<string, unknown>) => unknown = () => undefined,
): Promise<Outcome> {
  const res = await test;
  const userId = res.status < 300 ? userIdOf(res.body) : undefined;
  return typeof userId === 'string' ? { status: res.status, userId } : { status: res.status };
}
