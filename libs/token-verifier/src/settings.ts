import { tokenContractSettings } from '@jwt-msa/claims';
import { setting, type ConfigOf } from '@jwt-msa/config';

/**
 * How any verifier (the gateway, a domain service in verify-token mode) checks access tokens:
 * where the issuer's keys are and how long they are trusted, the verified-token cache, the clock
 * tolerance. Declared once; `createTokenVerifier` honours every one of them.
 */
export const verifierSettings = {
  jwksUrls: setting.urlList('JWKS_URLS', {
    default: [],
    defaultLabel:
      "the issuer's JWKS where the app reaches it: gateway, each `AUTH_SERVICE_URLS` + `/.well-known/jwks.json`; domain services, `JWT_ISSUER` + `/.well-known/jwks.json`",
    description: "Where the issuer's public keys are fetched; tried in order.",
  }),
  jwksCacheMaxAgeSeconds: setting.integer('JWKS_CACHE_MAX_AGE_SECONDS', {
    default: 600,
    min: 1,
    description:
      'Age after which the cached JWKS is fetched again in the background (known keys keep working meanwhile): new keys are learned, and removed ones dropped, within this time.',
  }),
  jwksStaleFallbackSeconds: setting.integer('JWKS_STALE_FALLBACK_SECONDS', {
    default: 86_400,
    min: 0,
    description: 'How long past its max age a known key stays usable while the issuer is unreachable.',
  }),
  jwksRefetchesPerMinute: setting.integer('JWKS_REFETCHES_PER_MINUTE', {
    default: 10,
    min: 1,
    description:
      'Rate limit on JWKS fetches caused by tokens with unknown `kid`s (a flood of random kids costs the issuer at most this).',
  }),
  jwksTimeoutMs: setting.integer('JWKS_TIMEOUT_MS', {
    default: 2000,
    min: 100,
    description: 'Timeout of one JWKS fetch.',
  }),
  verifiedTokenCacheMaxEntries: setting.integer('VERIFIED_TOKEN_CACHE_MAX_ENTRIES', {
    default: 100_000,
    min: 0,
    description:
      'Tokens remembered as verified until their own `exp` (a repeat skips the signature check; `0` turns the cache off).',
  }),
  verifiedTokenCacheMaxMb: setting.integer('VERIFIED_TOKEN_CACHE_MAX_MB', {
    default: 64,
    min: 1,
    description: 'Memory budget of the verified-token cache; the least recently used tokens go first.',
  }),
  clockToleranceSeconds: setting.integer('CLOCK_TOLERANCE_SECONDS', {
    default: 5,
    min: 0,
    max: 300,
    description: 'Allowed clock skew for `exp`/`nbf`.',
  }),
};

/** What a verifier needs: the token contract (issuer, audience) and the verification settings. */
export type VerifierConfig = ConfigOf<typeof tokenContractSettings> & ConfigOf<typeof verifierSettings>;

/**
 * Verify-token mode of a domain service (defense in depth): one switch, plus everything a
 * verifier needs. Each domain service's schema gets these through its identity mode.
 */
export const forwardedTokenSettings = {
  verifyForwardedToken: setting.boolean('VERIFY_FORWARDED_TOKEN', {
    default: false,
    description:
      'Verify the forwarded `Authorization: Bearer` token here too (RS256 against the JWKS, like the gateway, with every token verification setting) and take the caller from its claims only; identity headers are then ignored.',
  }),
  ...tokenContractSettings,
  ...verifierSettings,
};

export type ForwardedTokenConfig = ConfigOf<typeof forwardedTokenSettings>;
