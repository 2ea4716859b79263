import { AccessTokenVerifier } from './access-token-verifier';
import { JwksKeyStore } from './jwks-key-store';
import type { VerifierConfig } from './settings';
import { VerifiedTokenCache } from './verified-token-cache';

export interface TokenVerifierHooks {
  /** Where this app reaches the issuer's JWKS when `JWKS_URLS` is not set. */
  defaultJwksUrls: readonly string[];
  onJwksFetch?: (outcome: 'ok' | 'error') => void;
  /** After the issuer stopped publishing these kids (the verified-token cache is already cleared). */
  onKeysRemoved?: (kids: string[]) => void;
}

/** One verifier with its parts, for the app's metrics and readiness. */
export interface TokenVerification {
  readonly verifier: AccessTokenVerifier;
  readonly keys: JwksKeyStore;
  readonly cache: VerifiedTokenCache;
}

/**
 * Builds the key store, the verified-token cache and the verifier from the verifier settings, the
 * same way for the gateway and for a domain service in verify-token mode, so every setting means
 * the same everywhere.
 */
export function createTokenVerifier(config: VerifierConfig, hooks: TokenVerifierHooks): TokenVerification {
  const cache = new VerifiedTokenCache({
    maxEntries: config.verifiedTokenCacheMaxEntries,
    maxBytes: config.verifiedTokenCacheMaxMb * 1024 * 1024,
  });
  const keys = new JwksKeyStore({
    jwksUris: config.jwksUrls.length > 0 ? config.jwksUrls : [...hooks.defaultJwksUrls],
    cacheMaxAgeMs: config.jwksCacheMaxAgeSeconds * 1000,
    staleFallbackMs: config.jwksStaleFallbackSeconds * 1000,
    refetchesPerMinute: config.jwksRefetchesPerMinute,
    timeoutMs: config.jwksTimeoutMs,
    ...(hooks.onJwksFetch && { onFetch: hooks.onJwksFetch }),
    // A token signed by a key the issuer withdrew must not keep passing from the cache.
    onKeysRemoved: (kids) => {
      cache.clear();
      hooks.onKeysRemoved?.(kids);
    },
  });
  const verifier = new AccessTokenVerifier({
    issuer: config.issuer,
    audience: config.audience,
    clockToleranceSeconds: config.clockToleranceSeconds,
    keys,
    cache,
  });
  return { verifier, keys, cache };
}
