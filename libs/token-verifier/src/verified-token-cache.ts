import { hash } from 'node:crypto';
import type { AccessTokenClaims } from '@jwt-msa/claims';

export interface VerifiedTokenCacheOptions {
  /** Most entries held at once; the least recently used one goes first. */
  maxEntries: number;
  /** Approximate memory budget of the entries (see `entryBytes`); the least recently used go first. */
  maxBytes: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

export interface VerifiedTokenCacheStats {
  hits: number;
  misses: number;
  /** Entries dropped to stay within maxEntries / maxBytes. */
  evictions: number;
  /** Entries found past their token's `exp` and dropped. */
  expirations: number;
}

interface Entry {
  claims: Readonly<AccessTokenClaims>;
  /** The token's `exp`, in milliseconds: the entry is never returned at or after it. */
  expiresAtMs: number;
  bytes: number;
}

/**
 * Fixed cost of one entry beyond its key and claims: the Map slot, the entry object, the claims
 * object's and roles array's headers. An estimate for V8 on 64-bit; the benchmark measures the
 * real figure (`npm run bench`, memory section).
 */
export const ENTRY_OVERHEAD_BYTES = 256;

/**
 * A bounded LRU of tokens that passed full verification, so a token seen again skips the
 * signature and claim checks until its own `exp`, never longer.
 *
 * - The key is the SHA-256 of the whole compact token (43 base64url characters): any change to
 *   any byte of the token is a different key, so a tampered token can never hit, and the cache
 *   holds no usable bearer token (a heap dump does not leak them).
 * - Only what the verifier accepted goes in: there is no negative caching, and what comes out is
 *   exactly the claims that were verified (frozen as they go in, so no caller can alter them for
 *   the next one).
 * - A hit does not replace the caller's authorization: the route's role policy is checked on the
 *   returned claims, as on a miss.
 * - Bounded by count and by an approximate byte size; every operation is O(1) (a Map in
 *   least-recently-used order: a hit moves its entry to the end, eviction takes from the front).
 * - Call `clear()` when the issuer's key set changes (a key removed), so no token signed with a
 *   withdrawn key keeps passing from the cache.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();
  /**
   * Walks the Map from its oldest entry as evictions go. A fresh `keys()` per eviction would
   * restart at the front, where V8 leaves the slots of deleted entries until it compacts the
   * table: that made each eviction from a full 100k cache cost ~40 µs instead of ~1 µs.
   */
  private evictionCursor: Iterator<string> | undefined;
  private totalBytes = 0;
  private readonly now: () => number;
  private readonly counters: VerifiedTokenCacheStats = { hits: 0, misses: 0, evictions: 0, expirations: 0 };

  constructor(private readonly options: VerifiedTokenCacheOptions) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 0)
      throw new RangeError('maxEntries must be a non-negative integer');
    if (!(options.maxBytes >= 0)) throw new RangeError('maxBytes must be a non-negative number');
    this.now = options.now ?? Date.now;
  }

  static keyOf(token: string): string {
    // The one-shot form: no Hash object per request (~1.4 µs for an 830-byte token, against ~2.5).
    return hash('sha256', token, 'base64url');
  }

  /**
   * The verified claims of this exact token, if cached and its `exp` has not been reached. A
   * caller that will `set` on a miss passes the key it computed, so the token is hashed once.
   */
  get(token: string, key = VerifiedTokenCache.keyOf(token)): Readonly<AccessTokenClaims> | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.counters.misses++;
      return undefined;
    }
    this.entries.delete(key);
    if (this.now() >= entry.expiresAtMs) {
      this.totalBytes -= entry.bytes;
      this.counters.expirations++;
      this.counters.misses++;
      return undefined;
    }
    this.entries.set(key, entry);
    this.counters.hits++;
    return entry.claims;
  }

  /**
   * Remembers claims the verifier has just accepted for this token, and freezes them (deeply): the
   * object given is the one every later hit returns. Ignored when the token has already expired or
   * the entry alone exceeds the byte budget.
   */
  set(token: string, claims: AccessTokenClaims, key = VerifiedTokenCache.keyOf(token)): void {
    const expiresAtMs = claims.exp * 1000;
    if (!Number.isFinite(expiresAtMs) || this.now() >= expiresAtMs || this.options.maxEntries === 0) return;
    const bytes = entryBytes(key, claims);
    if (bytes > this.options.maxBytes) return;
    this.remove(key);
    // Frozen where it is rather than copied: the verifier hands the same claims to its caller, and
    // nobody can change them for the next reader.
    this.entries.set(key, { claims: deepFreeze(claims), expiresAtMs, bytes });
    this.totalBytes += bytes;
    while (this.entries.size > this.options.maxEntries || this.totalBytes > this.options.maxBytes) {
      const oldest = this.oldestKey();
      if (oldest === undefined) break;
      this.remove(oldest);
      this.counters.evictions++;
    }
  }

  delete(token: string): boolean {
    return this.remove(VerifiedTokenCache.keyOf(token));
  }

  clear(): void {
    this.entries.clear();
    this.evictionCursor = undefined;
    this.totalBytes = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The estimated size of the entries held, as counted against maxBytes. */
  get bytes(): number {
    return this.totalBytes;
  }

  stats(): VerifiedTokenCacheStats {
    return { ...this.counters };
  }

  /**
   * The least recently used key. Every key behind the cursor has been evicted by it, and a key
   * used again is deleted and re-inserted at the end, so the next key ahead is the oldest.
   */
  private oldestKey(): string | undefined {
    let next = this.evictionCursor?.next();
    if (!next || next.done) {
      this.evictionCursor = this.entries.keys();
      next = this.evictionCursor.next();
    }
    return next.done ? undefined : next.value;
  }

  private remove(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
    return true;
  }
}

/** Estimated bytes of one entry: its key, its claims as JSON, and a fixed overhead. */
export function entryBytes(key: string, claims: AccessTokenClaims): number {
  return key.length + JSON.stringify(claims).length + ENTRY_OVERHEAD_BYTES;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
