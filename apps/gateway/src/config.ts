import { loadConfig, setting, type ConfigOf } from '@jwt-msa/config';
import { serviceSettings } from '@jwt-msa/service-defaults';

export const gatewayConfigSchema = {
  ...serviceSettings,
  port: setting.port('PORT', { default: 8080, description: 'HTTP port of the gateway (the only public entry point).' }),
  authServiceUrls: setting.urlList('AUTH_SERVICE_URLS', {
    description: 'Comma-separated base URLs of the auth-service replicas.',
  }),
  catalogServiceUrls: setting.urlList('CATALOG_SERVICE_URLS', {
    description: 'Comma-separated base URLs of the catalog-service replicas.',
  }),
  ordersServiceUrls: setting.urlList('ORDERS_SERVICE_URLS', {
    description: 'Comma-separated base URLs of the orders-service replicas.',
  }),
  profileServiceUrls: setting.urlList('PROFILE_SERVICE_URLS', {
    description: 'Comma-separated base URLs of the profile-service replicas.',
  }),
  issuer: setting.url('JWT_ISSUER', {
    default: 'http://localhost:8080',
    description: 'Required `iss` of access tokens.',
  }),
  audience: setting.string('JWT_AUDIENCE', { default: 'jwt-msa-api', description: 'Required `aud` of access tokens.' }),
  jwksUrls: setting.urlList('JWKS_URLS', {
    default: [],
    defaultLabel: 'each `AUTH_SERVICE_URLS` + `/.well-known/jwks.json`',
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
    description: 'How long past its max age a known key stays usable while the auth service is down.',
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
  upstreamDnsRefreshMs: setting.integer('UPSTREAM_DNS_REFRESH_MS', {
    default: 5000,
    min: 100,
    description:
      'How often upstream DNS names are re-resolved, so every replica behind a name (compose --scale, headless Service) gets traffic.',
  }),
  upstreamEjectMs: setting.integer('UPSTREAM_EJECT_MS', {
    default: 10_000,
    min: 0,
    description: 'How long a replica that refused or reset a connection stays out of rotation.',
  }),
  adminPort: setting.port('ADMIN_PORT', {
    default: 9464,
    description: 'Internal listener for `/metrics` and `/replicas` (never expose it publicly; `0` = any free port).',
  }),
  upstreamTimeoutMs: setting.integer('UPSTREAM_TIMEOUT_MS', {
    default: 10_000,
    min: 100,
    description: 'How long an upstream may take to answer before the gateway answers 504.',
  }),
};

export type GatewayConfig = ConfigOf<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const config = loadConfig(gatewayConfigSchema, env);
  if (config.jwksUrls.length > 0) return config;
  return Object.freeze({ ...config, jwksUrls: config.authServiceUrls.map((url) => `${url}/.well-known/jwks.json`) });
}
