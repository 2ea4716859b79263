/** Fixed settings of every run: how the stand-ins and the gateway are configured, and the pool sizes. */

export const ISSUER = 'http://localhost:8080';
export const AUDIENCE = 'jwt-msa-api';
export const JWKS_REFETCHES_PER_MINUTE = 10;
/** Tokens live long enough for any run; the signer is the product's own. */
export const TOKEN_TTL_SECONDS = 3600;
export const FLOOD_TOKENS_PER_CONNECTION = 40;
export const SESSIONS = 5000;
export const SESSIONS_PER_CONNECTION = 20;
/**
 * The gateway's verified-token cache is made smaller than the pool of distinct tokens for this
 * run (VERIFIED_TOKEN_CACHE_MAX_ENTRIES), so the cache-miss scenario really misses.
 */
export const GATEWAY_CACHE_ENTRIES_ENV = 'VERIFIED_TOKEN_CACHE_MAX_ENTRIES';
/** The gateway's default cache bounds (apps/gateway/src/config.ts): what the memory probe uses. */
export const GATEWAY_DEFAULT_CACHE_BOUNDS = { maxEntries: 100_000, maxBytes: 64 * 2 ** 20 };
/** The gateway's cache lookups by result (hit, miss), read from its admin /metrics. */
export const CACHE_METRIC = 'gateway_verified_token_cache_lookups_total';

/**
 * The revocation scenario's gateway follows a stand-in feed holding this many live entries (none
 * of them covering the bench's tokens): what a request costs, and the memory, with a full list.
 */
export const REVOCATION_ENTRIES = 100_000;
/** Shared by the stand-in feed and that gateway (REVOCATION_FEED_SECRET). */
export const REVOCATION_FEED_SECRET = 'bench-revocation-feed-secret-0123456789';
