import jwt from 'jsonwebtoken';
import type { AccessTokenClaims } from '@jwt-msa/claims';
import { AccessTokenSigner, generateSigningKey, type SigningKey } from '@jwt-msa/token-issuer';
import { ENTRY_OVERHEAD_BYTES, entryBytes, VerifiedTokenCache } from './verified-token-cache';

const signer = new AccessTokenSigner({ issuer: 'http://issuer.test', audience: 'jwt-msa-api', ttlSeconds: 900 });
let key: SigningKey;

beforeAll(async () => {
  key = await generateSigningKey();
});

/** A real access token and its claims, as the verifier would return them. */
function issue(username = 'alice', roles = ['user']): { token: string; claims: AccessTokenClaims } {
  const { token } = signer.sign(key, { sub: `id-${username}`, username, roles });
  return { token, claims: jwt.decode(token) as AccessTokenClaims };
}

/** A clock the test moves: milliseconds since the epoch. */
function clock(startMs = Date.now()) {
  const state = { nowMs: startMs };
  return { state, now: () => state.nowMs };
}

const roomy = { maxEntries: 100, maxBytes: 1_000_000 };

describe('VerifiedTokenCache', () => {
  it('returns the claims of a token it holds, and nothing for one it does not', () => {
    const cache = new VerifiedTokenCache(roomy);
    const alice = issue('alice');
    const bob = issue('bob');
    cache.set(alice.token, alice.claims);
    expect(cache.get(alice.token)).toEqual(alice.claims);
    expect(cache.get(bob.token)).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
  });

  it('never hits for a tampered token: a changed payload, signature or whitespace is another key', () => {
    const cache = new VerifiedTokenCache(roomy);
    const { token, claims } = issue('alice');
    cache.set(token, claims);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const elevated = Buffer.from(JSON.stringify({ ...claims, roles: ['user', 'admin'] })).toString('base64url');
    const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
    for (const tampered of [
      `${header}.${elevated}.${signature}`,
      `${header}.${payload}.${flipped}`,
      `${token} `,
      token.toUpperCase(),
    ]) {
      expect(cache.get(tampered)).toBeUndefined();
    }
    expect(cache.get(token)).toEqual(claims);
  });

  it('never returns an entry at or after the token exp, and drops it', () => {
    const { state, now } = clock();
    const cache = new VerifiedTokenCache({ ...roomy, now });
    const { token, claims } = issue();
    cache.set(token, claims);
    state.nowMs = claims.exp * 1000 - 1;
    expect(cache.get(token)).toEqual(claims);
    state.nowMs = claims.exp * 1000;
    expect(cache.get(token)).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
    expect(cache.stats()).toMatchObject({ expirations: 1 });
  });

  it('does not store a token that has already expired', () => {
    const { token, claims } = issue();
    const cache = new VerifiedTokenCache({ ...roomy, now: () => claims.exp * 1000 });
    cache.set(token, claims);
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry past maxEntries; a hit makes an entry recent', () => {
    const cache = new VerifiedTokenCache({ maxEntries: 2, maxBytes: 1_000_000 });
    const [a, b, c] = [issue('a'), issue('b'), issue('c')];
    cache.set(a.token, a.claims);
    cache.set(b.token, b.claims);
    expect(cache.get(a.token)).toBeDefined(); // a is now more recent than b
    cache.set(c.token, c.claims);
    expect(cache.size).toBe(2);
    expect(cache.get(b.token)).toBeUndefined();
    expect(cache.get(a.token)).toBeDefined();
    expect(cache.get(c.token)).toBeDefined();
    expect(cache.stats().evictions).toBe(1);
  });

  it('evicts by the byte budget, counting key, claims JSON and a fixed overhead', () => {
    const tokens = [issue('a'), issue('b'), issue('c')];
    const one = entryBytes(VerifiedTokenCache.keyOf(tokens[0]!.token), tokens[0]!.claims);
    expect(one).toBe(43 + JSON.stringify(tokens[0]!.claims).length + ENTRY_OVERHEAD_BYTES);
    const cache = new VerifiedTokenCache({ maxEntries: 100, maxBytes: one * 2 + 10 });
    for (const { token, claims } of tokens) cache.set(token, claims);
    expect(cache.size).toBe(2);
    expect(cache.bytes).toBeLessThanOrEqual(one * 2 + 10);
    expect(cache.get(tokens[0]!.token)).toBeUndefined();
    expect(cache.get(tokens[2]!.token)).toBeDefined();
  });

  it('ignores an entry larger than the whole budget, and a zero-sized cache holds nothing', () => {
    const { token, claims } = issue();
    const tiny = new VerifiedTokenCache({ maxEntries: 10, maxBytes: 100 });
    tiny.set(token, claims);
    expect(tiny.size).toBe(0);
    const off = new VerifiedTokenCache({ maxEntries: 0, maxBytes: 1_000_000 });
    off.set(token, claims);
    expect(off.get(token)).toBeUndefined();
  });

  it('replacing or deleting an entry keeps the byte count exact', () => {
    const cache = new VerifiedTokenCache(roomy);
    const { token, claims } = issue();
    cache.set(token, claims);
    const bytes = cache.bytes;
    cache.set(token, claims);
    expect(cache.bytes).toBe(bytes);
    expect(cache.delete(token)).toBe(true);
    expect(cache.bytes).toBe(0);
    cache.set(token, claims);
    cache.clear();
    expect(cache.get(token)).toBeUndefined();
    expect(cache.bytes).toBe(0);
  });

  it('freezes what it holds: neither the caller nor a later reader can change cached claims', () => {
    const cache = new VerifiedTokenCache(roomy);
    const { token, claims } = issue('alice', ['user']);
    cache.set(token, claims);
    expect(() => claims.roles.push('admin')).toThrow(/not extensible/);
    expect(() => Object.assign(claims, { sub: 'mallory' })).toThrow(/read only/);
    const cached = cache.get(token)!;
    expect(cached.sub).toBe(claims.sub);
    expect(cached.roles).toEqual(['user']);
    expect(Object.isFrozen(cached)).toBe(true);
    expect(() => (cached.roles as string[]).push('admin')).toThrow(/not extensible/);
  });

  it('evicts in exact least-recently-used order through any mix of sets, hits, deletes and clears', () => {
    const base = issue();
    const cache = new VerifiedTokenCache({ maxEntries: 7, maxBytes: 1_000_000 });
    const model: string[] = []; // least recently used first
    const touch = (token: string) => {
      if (model.includes(token)) model.splice(model.indexOf(token), 1);
      model.push(token);
    };
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let step = 0; step < 3000; step += 1) {
      const token = `${base.token}.${random(20)}`;
      const op = random(40);
      if (op < 20) {
        cache.set(token, base.claims);
        touch(token);
        if (model.length > 7) model.shift();
      } else if (op < 37) {
        const hit = cache.get(token);
        expect(hit !== undefined).toBe(model.includes(token));
        if (hit) touch(token);
      } else if (op < 39) {
        expect(cache.delete(token)).toBe(model.includes(token));
        if (model.includes(token)) model.splice(model.indexOf(token), 1);
      } else {
        cache.clear();
        model.length = 0;
      }
      expect(cache.size).toBe(model.length);
    }
  });

  it('rejects nonsensical bounds', () => {
    expect(() => new VerifiedTokenCache({ maxEntries: -1, maxBytes: 10 })).toThrow(RangeError);
    expect(() => new VerifiedTokenCache({ maxEntries: 1.5, maxBytes: 10 })).toThrow(RangeError);
    expect(() => new VerifiedTokenCache({ maxEntries: 1, maxBytes: Number.NaN })).toThrow(RangeError);
  });
});
