import { recordingServer, type RecordingServer } from '@jwt-msa/testing';
import { AccessTokenSigner, generateSigningKey, type SigningKey } from '@jwt-msa/token-issuer';
import { AccessTokenVerifier, JwksKeyStore, TokenRejectedError, VerifiedTokenCache } from './index';

const ISSUER = 'http://issuer.test';
const AUDIENCE = 'jwt-msa-api';
let keys: SigningKey[];
let published: SigningKey[];
let server: RecordingServer;
let jwksUrl: string;

beforeAll(async () => {
  keys = await Promise.all([generateSigningKey(), generateSigningKey()]);
  published = [...keys];
  server = await recordingServer(() => ({ body: { keys: published.map((key) => key.publicJwk) } }));
  jwksUrl = `${server.url}/jwks`;
});
afterAll(() => server.close());

function setup(cacheMaxAgeMs = 60_000) {
  const cache = new VerifiedTokenCache({ maxEntries: 100, maxBytes: 1_000_000 });
  const store = new JwksKeyStore({
    jwksUris: [jwksUrl],
    cacheMaxAgeMs,
    staleFallbackMs: 60_000,
    refetchesPerMinute: 10,
    timeoutMs: 1000,
    onKeysRemoved: () => cache.clear(),
  });
  let keyLookups = 0;
  const counting = {
    getKey: (kid: string) => {
      keyLookups += 1;
      return store.getKey(kid);
    },
    refreshIfStale: () => store.refreshIfStale(),
  };
  const verifier = new AccessTokenVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    clockToleranceSeconds: 0,
    keys: counting,
    cache,
  });
  return { verifier, cache, lookups: () => keyLookups };
}

const sign = (key: SigningKey, ttlSeconds = 60) =>
  new AccessTokenSigner({ issuer: ISSUER, audience: AUDIENCE, ttlSeconds }).sign(key, {
    sub: 'u-1',
    username: 'alice',
    roles: ['user'],
  }).token;

describe('verification with the verified-token cache', () => {
  it('checks a token fully once, then answers repeats from the cache with the same claims', async () => {
    const { verifier, cache, lookups } = setup();
    const token = sign(keys[0]!);
    const first = await verifier.verify(token);
    const second = await verifier.verify(token);
    expect(second).toEqual(first);
    expect(lookups()).toBe(1);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
  });

  it('never serves a tampered token from the cache', async () => {
    const { verifier } = setup();
    const token = sign(keys[0]!);
    await verifier.verify(token);
    const [header, payload, signature] = token.split('.');
    const tampered = `${header}.${payload}.${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(verifier.verify(tampered)).rejects.toBeInstanceOf(TokenRejectedError);
  });

  it('does not cache rejected tokens', async () => {
    const { verifier, cache } = setup();
    const expired = sign(keys[0]!, -10);
    await expect(verifier.verify(expired)).rejects.toMatchObject({ reason: 'expired' });
    await expect(verifier.verify(expired)).rejects.toMatchObject({ reason: 'expired' });
    expect(cache.size).toBe(0);
  });

  it('forgets every cached token once the issuer withdraws a key', async () => {
    const { verifier, cache } = setup(1);
    const onWithdrawnKey = sign(keys[1]!);
    await verifier.verify(onWithdrawnKey);
    expect(cache.size).toBe(1);
    published = [keys[0]!];
    await new Promise((resolve) => setTimeout(resolve, 5));
    await verifier.verify(sign(keys[0]!)); // past max age: the refresh notices the withdrawal
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(verifier.verify(onWithdrawnKey)).rejects.toMatchObject({ reason: 'unknown_kid' });
    published = [...keys];
  });
});
