import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { ACCESS_TOKEN_ALGORITHM } from '@jwt-msa/claims';
import { JwksUnavailableError, TokenRejectedError } from './errors';
import { TokenBucket } from './token-bucket';

export interface JwksKeyStoreOptions {
  /** One JWKS URL per issuer replica; fetched in order until one answers. */
  jwksUris: string[];
  /**
   * How old the key set may get before it is fetched again. Past it, known keys keep verifying
   * while one background fetch replaces the set: that is how new keys are learned before they
   * sign anything, and how removed keys stop verifying.
   */
  cacheMaxAgeMs: number;
  /** How long past cacheMaxAgeMs known keys stay usable while the JWKS endpoint is down. */
  staleFallbackMs: number;
  /** Fetches per minute that tokens with an unknown kid may cause (the rest are refused without a fetch). */
  refetchesPerMinute: number;
  timeoutMs: number;
  /** After a failed fetch, no new attempt for this long (default 1000 ms), so an outage is not hammered. */
  retryAfterFailureMs?: number;
  onFetch?: (outcome: 'ok' | 'error') => void;
  /** After a refresh that dropped kids the issuer no longer publishes (e.g. to clear caches). */
  onKeysRemoved?: (kids: string[]) => void;
}

interface FetchedKeySet {
  keys: ReadonlyMap<string, KeyObject>;
  fetchedAt: number;
}

class JwksFetchError extends Error {
  override readonly name = 'JwksFetchError';
}

const MIN_RSA_MODULUS_BITS = 2048;
const unknownKid = () => new TokenRejectedError('unknown_kid', 'The token was signed by an unknown key');

/**
 * Resolves a `kid` to a public KeyObject from the issuer's JWKS, fetched from the configured URLs
 * only (never from a URL a token names):
 *
 * - the whole set is cached and each key parsed into a KeyObject once (node:crypto reads JWKs);
 * - past `cacheMaxAgeMs` the set is refreshed in the background while known keys keep working
 *   (stale-while-revalidate), so no request waits and no attacker can make a known key fail;
 * - an unknown kid causes at most `refetchesPerMinute` fetches (a flood of random kids cannot
 *   flood the issuer), and concurrent fetches are merged into one;
 * - if the issuer is down, known keys keep working for `staleFallbackMs` past their max age.
 */
export class JwksKeyStore {
  private readonly unknownKidFetches: TokenBucket;
  private current: FetchedKeySet | undefined;
  private inflight: Promise<FetchedKeySet> | undefined;
  private inflightForUnknownKid = false;
  private lastFailure: { at: number; error: Error } | undefined;

  constructor(private readonly options: JwksKeyStoreOptions) {
    this.unknownKidFetches = new TokenBucket(options.refetchesPerMinute, 60_000);
  }

  async getKey(kid: string): Promise<KeyObject> {
    const set = this.current;
    if (!set) return keyIn(await this.refresh(), kid);

    const age = Date.now() - set.fetchedAt;
    if (age > this.options.cacheMaxAgeMs) this.refresh().catch(() => undefined);
    const known = set.keys.get(kid);
    if (known && age <= this.options.cacheMaxAgeMs + this.options.staleFallbackMs) return known;
    if (!known) {
      // An unknown kid may wait for a routine refresh already under way (a key being rotated in),
      // but not pile up behind a fetch another unknown kid caused: under a flood of random kids
      // that would park every forged request on the issuer's round trip. Starting a fetch costs
      // from the budget.
      if (this.inflight ? this.inflightForUnknownKid : !this.unknownKidFetches.take()) throw unknownKid();
      if (!this.inflight) {
        this.inflightForUnknownKid = true;
        return keyIn(
          await this.refresh().finally(() => {
            this.inflightForUnknownKid = false;
          }),
          kid,
        );
      }
    }
    return keyIn(await this.refresh(), kid);
  }

  /**
   * Starts a background refresh if the key set is past its max age. For callers that skip
   * getKey (a verified-token cache hit), so removed keys are still noticed.
   */
  refreshIfStale(): void {
    if (this.current && Date.now() - this.current.fetchedAt > this.options.cacheMaxAgeMs)
      this.refresh().catch(() => undefined);
  }

  /** Loads the JWKS now, so readiness can report whether keys are available. */
  async preload(): Promise<number> {
    return (await this.refresh()).keys.size;
  }

  /** One fetch at a time; callers arriving meanwhile share its result. */
  private refresh(): Promise<FetchedKeySet> {
    const failure = this.lastFailure;
    if (failure && Date.now() - failure.at < (this.options.retryAfterFailureMs ?? 1000)) {
      return Promise.reject(new JwksUnavailableError(failure.error.message));
    }
    this.inflight ??= this.load().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async load(): Promise<FetchedKeySet> {
    try {
      const set = { keys: usableKeys(await this.fetchJwks()), fetchedAt: Date.now() };
      if (set.keys.size === 0) throw new JwksFetchError('the JWKS holds no usable RS256 key');
      const removed = [...(this.current?.keys.keys() ?? [])].filter((kid) => !set.keys.has(kid));
      this.current = set;
      if (removed.length > 0) this.options.onKeysRemoved?.(removed);
      this.lastFailure = undefined;
      this.options.onFetch?.('ok');
      return set;
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      this.lastFailure = { at: Date.now(), error: err };
      this.options.onFetch?.('error');
      throw new JwksUnavailableError(err.message);
    }
  }

  /** The `keys` of the first configured URL that answers with a JWK set. */
  private async fetchJwks(): Promise<unknown[]> {
    let lastError: Error = new Error('no JWKS URL configured');
    for (const uri of this.options.jwksUris) {
      try {
        const response = await fetch(uri, {
          signal: AbortSignal.timeout(this.options.timeoutMs),
          headers: { accept: 'application/json' },
          redirect: 'error',
        });
        if (!response.ok) throw new Error(`${uri} answered ${response.status}`);
        const body = (await response.json()) as { keys?: unknown };
        if (!Array.isArray(body.keys)) throw new Error(`${uri} did not return a JWK set`);
        return body.keys;
      } catch (error) {
        lastError = error instanceof Error ? error : new Error(String(error));
      }
    }
    throw new JwksFetchError(lastError.message);
  }
}

function keyIn(set: FetchedKeySet, kid: string): KeyObject {
  const key = set.keys.get(kid);
  if (!key) throw unknownKid();
  return key;
}

/**
 * The keys a token may be verified with: RSA of at least 2048 bits with a kid, meant for
 * signatures (`use` absent or `sig`, RFC 7517 §4.2) with RS256 (`alg` absent or RS256). A kid
 * listed twice is dropped rather than guessed at; a key node:crypto cannot read is skipped.
 */
function usableKeys(jwks: unknown[]): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const duplicates = new Set<string>();
  for (const jwk of jwks) {
    if (typeof jwk !== 'object' || jwk === null) continue;
    const { kid, kty, use, alg } = jwk as Record<string, unknown>;
    if (typeof kid !== 'string' || kid === '' || kty !== 'RSA') continue;
    if ((use !== undefined && use !== 'sig') || (alg !== undefined && alg !== ACCESS_TOKEN_ALGORITHM)) continue;
    if (keys.has(kid)) duplicates.add(kid);
    let key: KeyObject;
    try {
      key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    } catch {
      continue;
    }
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_MODULUS_BITS) continue;
    keys.set(kid, key);
  }
  for (const kid of duplicates) keys.delete(kid);
  return keys;
}
