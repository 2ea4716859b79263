import { createPublicKey, type KeyObject } from 'node:crypto';
import jwksRsa from 'jwks-rsa';
import { JwksUnavailableError, TokenRejectedError } from './errors';

export interface JwksKeyStoreOptions {
  /** One JWKS URL per issuer replica; fetched in order until one answers. */
  jwksUris: string[];
  /** How long a fetched key is trusted before the JWKS is fetched again. */
  cacheMaxAgeMs: number;
  /** How long past cacheMaxAgeMs a key stays usable while the JWKS endpoint is down. */
  staleFallbackMs: number;
  /** Refetches allowed per minute when a token names an unknown kid. */
  refetchesPerMinute: number;
  timeoutMs: number;
  onFetch?: (outcome: 'ok' | 'error') => void;
}

class JwksFetchError extends Error {
  override readonly name = 'JwksFetchError';
}

/**
 * Resolves a `kid` to a public KeyObject through one jwks-rsa client built at start-up (cached,
 * rate-limited refetch for unknown kids). Each fetched key is parsed into a KeyObject once, not
 * per request.
 */
export class JwksKeyStore {
  private readonly client: jwksRsa.JwksClient;
  private readonly keyObjects = new WeakMap<jwksRsa.SigningKey, KeyObject>();
  /** Last key seen per kid, served while the JWKS endpoint is down (bounded: only real JWKS kids). */
  private readonly lastKnown = new Map<string, { key: KeyObject; fetchedAt: number }>();

  constructor(private readonly options: JwksKeyStoreOptions) {
    this.client = jwksRsa({
      jwksUri: options.jwksUris[0] ?? '',
      fetcher: () => this.fetchJwks(),
      cache: true,
      cacheMaxEntries: 16,
      cacheMaxAge: options.cacheMaxAgeMs,
      rateLimit: true,
      jwksRequestsPerMinute: options.refetchesPerMinute,
      timeout: options.timeoutMs,
    });
  }

  async getKey(kid: string): Promise<KeyObject> {
    let signingKey: jwksRsa.SigningKey;
    try {
      signingKey = await this.client.getSigningKey(kid);
    } catch (error) {
      const stale = this.lastKnown.get(kid);
      const endpointDown = error instanceof JwksFetchError;
      if (endpointDown && stale && Date.now() - stale.fetchedAt < this.options.cacheMaxAgeMs + this.options.staleFallbackMs) {
        return stale.key;
      }
      throw this.translate(error);
    }
    let keyObject = this.keyObjects.get(signingKey);
    if (!keyObject) {
      keyObject = createPublicKey(signingKey.getPublicKey());
      if (keyObject.asymmetricKeyType !== 'rsa') throw new TokenRejectedError('unknown_kid', 'The signing key is not an RSA key');
      this.keyObjects.set(signingKey, keyObject);
      this.lastKnown.set(kid, { key: keyObject, fetchedAt: Date.now() });
    }
    return keyObject;
  }

  /** Loads the JWKS now, so readiness can report whether keys are available. */
  async preload(): Promise<number> {
    const keys = await this.client.getSigningKeys();
    return keys.length;
  }

  private translate(error: unknown): Error {
    const err = error as Error;
    if (err.name === 'SigningKeyNotFoundError') return new TokenRejectedError('unknown_kid', 'The token was signed by an unknown key');
    if (err.name === 'JwksRateLimitError') return new TokenRejectedError('unknown_kid', 'The token was signed by an unknown key');
    if (err instanceof JwksFetchError) return new JwksUnavailableError(err.message);
    return err;
  }

  private async fetchJwks(): Promise<{ keys: unknown[] }> {
    let lastError: Error = new Error('no JWKS URL configured');
    for (const uri of this.options.jwksUris) {
      try {
        const response = await fetch(uri, { signal: AbortSignal.timeout(this.options.timeoutMs), headers: { accept: 'application/json' } });
        if (!response.ok) throw new Error(`${uri} answered ${response.status}`);
        const body = (await response.json()) as { keys?: unknown };
        if (!Array.isArray(body.keys)) throw new Error(`${uri} did not return a JWK set`);
        this.options.onFetch?.('ok');
        return { keys: body.keys };
      } catch (error) {
        lastError = error instanceof Error ? error : new Error(String(error));
      }
    }
    this.options.onFetch?.('error');
    throw new JwksFetchError(lastError.message);
  }
}
