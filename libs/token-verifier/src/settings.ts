import { setting, type ConfigOf } from '@jwt-msa/config';

/**
 * Verify-token mode of a domain service (defense in depth): one switch, and where the issuer's
 * keys are. Each domain service spreads these into its config schema.
 */
export const forwardedTokenSettings = {
  verifyForwardedToken: setting.boolean('VERIFY_FORWARDED_TOKEN', {
    default: false,
    description:
      'Verify the forwarded `Authorization: Bearer` token here too (RS256 against the JWKS, like the gateway) and take the caller from its claims only; identity headers are then ignored.',
  }),
  jwksUrls: setting.urlList('JWKS_URLS', {
    default: [],
    defaultLabel: '`JWT_ISSUER` + `/.well-known/jwks.json`',
    description:
      "Verify-token mode: where the issuer's public keys are fetched (e.g. the auth service's internal URLs); tried in order.",
  }),
  issuer: setting.url('JWT_ISSUER', {
    default: 'http://localhost:8080',
    description: 'Verify-token mode: required `iss` of access tokens.',
  }),
  audience: setting.string('JWT_AUDIENCE', {
    default: 'jwt-msa-api',
    description: 'Verify-token mode: required `aud` of access tokens.',
  }),
  jwksCacheMaxAgeSeconds: setting.integer('JWKS_CACHE_MAX_AGE_SECONDS', {
    default: 600,
    min: 1,
    description:
      'Verify-token mode: how old the cached JWKS may get before it is fetched again (new keys are learned within this time).',
  }),
};

export type ForwardedTokenConfig = ConfigOf<typeof forwardedTokenSettings>;
