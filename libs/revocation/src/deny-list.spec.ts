import { DenyList } from './deny-list';
import type { RevocationEntry } from './revocation-entry';

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0); // a whole second
let now = T0;
const list = () => new DenyList({ now: () => now });
const TTL_MS = 900_000;
const MARGIN_MS = 300_000;

let seq = 0;
function entry(fields: Pick<RevocationEntry, 'kind' | 'id'> & Partial<RevocationEntry>): RevocationEntry {
  return {
    seq: ++seq,
    subject: 'user-1',
    issuedUntilMs: now,
    expiresAtMs: now + TTL_MS + MARGIN_MS,
    revokedAtMs: now,
    ...fields,
  };
}

/** A token as a verified claim set: `iat` in whole seconds of the instant it was signed. */
const tokenAt = (issuedAtMs: number, fields: { jti?: string; sid?: string; sub?: string } = {}) => ({
  jti: fields.jti ?? `jti-${issuedAtMs}`,
  sub: fields.sub ?? 'user-1',
  sid: fields.sid,
  iat: Math.floor(issuedAtMs / 1000),
});

beforeEach(() => {
  now = T0;
});

describe('DenyList', () => {
  it('refuses a token by jti, by sid, and by its subject cutoff', () => {
    const denied = list();
    denied.add([
      entry({ kind: 'token', id: 'jti-a' }),
      entry({ kind: 'session', id: 'family-1' }),
      entry({ kind: 'subject', id: 'user-2', subject: 'user-2', issuedUntilMs: T0 + 5000 }),
    ]);
    expect(denied.match(tokenAt(T0 - 1000, { jti: 'jti-a' }))?.kind).toBe('token');
    expect(denied.match(tokenAt(T0 - 1000, { sid: 'family-1' }))?.kind).toBe('session');
    expect(denied.match(tokenAt(T0, { sub: 'user-2' }))?.kind).toBe('subject');
    expect(denied.match(tokenAt(T0 - 1000, { sid: 'family-2' }))).toBeUndefined();
    expect(denied.match(tokenAt(T0 + 10_000, { sub: 'user-2' }))).toBeUndefined();
    expect(denied.size).toBe(3);
  });

  describe('iat has one-second precision; the cutoff is in milliseconds', () => {
    const cutoffMs = T0 + 500; // logout-all half-way through a second

    it('refuses a token issued in a whole second before the cutoff', () => {
      const denied = list();
      denied.add([entry({ kind: 'subject', id: 'user-1', issuedUntilMs: cutoffMs })]);
      expect(denied.match(tokenAt(T0 - 1))).toBeDefined(); // iat = the second before
    });

    it('accepts a token issued just after the cutoff, in the same second (a new login)', () => {
      const denied = list();
      denied.add([entry({ kind: 'subject', id: 'user-1', issuedUntilMs: cutoffMs })]);
      expect(denied.match(tokenAt(cutoffMs + 1, { sid: 'new-login' }))).toBeUndefined();
    });

    it('refuses a token issued just before the cutoff in the same second: its family is revoked by sid too', () => {
      const denied = list();
      // What the issuer sends for logout-all: the cutoff, and the families that issued within its second.
      denied.add([
        entry({ kind: 'session', id: 'old-login', issuedUntilMs: cutoffMs - 1 }),
        entry({ kind: 'subject', id: 'user-1', issuedUntilMs: cutoffMs }),
      ]);
      expect(denied.match(tokenAt(cutoffMs - 1, { sid: 'old-login' }))?.kind).toBe('session');
      expect(denied.match(tokenAt(cutoffMs + 1, { sid: 'new-login' }))).toBeUndefined();
    });

    it('keeps the later of two cutoffs for one user', () => {
      const denied = list();
      denied.add([entry({ kind: 'subject', id: 'user-1', issuedUntilMs: T0 + 60_000 })]);
      denied.add([entry({ kind: 'subject', id: 'user-1', issuedUntilMs: T0 + 1000 })]);
      expect(denied.match(tokenAt(T0 + 30_000))).toBeDefined();
      expect(denied.size).toBe(1);
    });
  });

  describe('expiry', () => {
    it('stops refusing, and forgets, an entry once no token it covers can be unexpired', () => {
      const denied = list();
      denied.add([entry({ kind: 'token', id: 'jti-a', expiresAtMs: T0 + 1000 })]);
      now = T0 + 999;
      expect(denied.match(tokenAt(T0 - 5000, { jti: 'jti-a' }))).toBeDefined();
      now = T0 + 1000;
      expect(denied.match(tokenAt(T0 - 5000, { jti: 'jti-a' }))).toBeUndefined();
      expect(denied.size).toBe(1);
      expect(denied.sweep()).toBe(1);
      expect(denied.size).toBe(0);
    });

    it('skips entries that arrive already expired', () => {
      const denied = list();
      denied.add([entry({ kind: 'session', id: 'family-1', expiresAtMs: T0 })]);
      expect(denied.size).toBe(0);
    });
  });

  it('replaces everything on a resync', () => {
    const denied = list();
    denied.add([entry({ kind: 'token', id: 'jti-a' }), entry({ kind: 'session', id: 'family-1' })]);
    denied.replace([entry({ kind: 'session', id: 'family-2' })]);
    expect(denied.match(tokenAt(T0, { jti: 'jti-a' }))).toBeUndefined();
    expect(denied.match(tokenAt(T0, { sid: 'family-2' }))).toBeDefined();
    expect(denied.size).toBe(1);
  });

  it('takes over a list filled elsewhere at once (a full list received in pages)', () => {
    const denied = list();
    denied.add([entry({ kind: 'token', id: 'jti-old' })]);
    const staging = list();
    staging.add([entry({ kind: 'session', id: 'family-1' })]);
    staging.add([entry({ kind: 'session', id: 'family-2' })]);
    denied.replaceWith(staging);
    expect(denied.match(tokenAt(T0, { jti: 'jti-old' }))).toBeUndefined();
    expect(denied.match(tokenAt(T0, { sid: 'family-2' }))).toEqual({ kind: 'session', id: 'family-2' });
    expect([denied.size, staging.size]).toEqual([2, 0]);
  });

  it('holds one cutoff, not 100,000 entries, for 100,000 logins ended by one logout-all', () => {
    const denied = list();
    // The issuer sends only the cutoff (and the families of its last second); every older token is covered.
    denied.add([entry({ kind: 'subject', id: 'user-1', issuedUntilMs: T0 + 500 })]);
    for (let i = 1; i <= 100_000; i++) {
      expect(denied.match(tokenAt(T0 - i * 10, { sid: `family-${i}` }))).toBeDefined();
    }
    expect(denied.size).toBe(1);
  });
});
