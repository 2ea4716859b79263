import type { RequestHandler } from 'express';
import { principalFromClaims, setPrincipal, stripIdentityHeaders } from '@jwt-msa/claims';
import { AccessTokenVerifier } from './access-token-verifier';
import { JwksKeyStore } from './jwks-key-store';
import type { ForwardedTokenConfig } from './settings';

/**
 * Identity for a service in verify-token mode: the caller is whoever the forwarded bearer token,
 * verified here, says. Identity headers are deleted unread, so a header that disagrees with the
 * token can never win, and headers without a token identify nobody. No token: an anonymous
 * request (public routes still work; requireAuth answers 401). A bad token: 401.
 */
export function verifiedTokenIdentity(verifier: AccessTokenVerifier): RequestHandler {
  return async (req, _res, next) => {
    stripIdentityHeaders(req.headers);
    const authorization = req.headers.authorization;
    if (authorization === undefined || authorization.trim() === '') return next();
    try {
      const claims = await verifier.verify(AccessTokenVerifier.tokenFromAuthorization(authorization));
      setPrincipal(req, principalFromClaims(claims));
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** Same limits as the gateway's defaults; only the cache age is a setting (key rotation depends on it). */
const STALE_FALLBACK_MS = 86_400_000;
const REFETCHES_PER_MINUTE = 10;
const JWKS_TIMEOUT_MS = 2000;
const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * The identity middleware a domain service passes to createServiceApp: the token verifier when
 * VERIFY_FORWARDED_TOKEN is on, undefined (the gateway's identity headers) when it is off.
 */
export function forwardedTokenIdentity(
  config: ForwardedTokenConfig,
  onFetch?: (outcome: 'ok' | 'error') => void,
): RequestHandler | undefined {
  if (!config.verifyForwardedToken) return undefined;
  const keys = new JwksKeyStore({
    jwksUris: config.jwksUrls.length > 0 ? config.jwksUrls : [`${config.issuer}/.well-known/jwks.json`],
    cacheMaxAgeMs: config.jwksCacheMaxAgeSeconds * 1000,
    staleFallbackMs: STALE_FALLBACK_MS,
    refetchesPerMinute: REFETCHES_PER_MINUTE,
    timeoutMs: JWKS_TIMEOUT_MS,
    ...(onFetch && { onFetch }),
  });
  return verifiedTokenIdentity(
    new AccessTokenVerifier({
      issuer: config.issuer,
      audience: config.audience,
      clockToleranceSeconds: CLOCK_TOLERANCE_SECONDS,
      keys,
    }),
  );
}
