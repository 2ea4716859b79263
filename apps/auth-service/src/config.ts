import { tokenContractSettings } from '@jwt-msa/claims';
import { ConfigError, setting } from '@jwt-msa/config';
import { revocationFeedSecretSetting } from '@jwt-msa/revocation';
import type { DataServiceConfig } from '@jwt-msa/service-defaults';

/** What the issuer needs beyond every data service's settings. */
export const authSettings = {
  ...tokenContractSettings,
  accessTokenTtlSeconds: setting.integer('ACCESS_TOKEN_TTL_SECONDS', {
    default: 900,
    min: 10,
    max: 86_400,
    description: 'Access token lifetime.',
  }),
  refreshTokenTtlSeconds: setting.integer('REFRESH_TOKEN_TTL_SECONDS', {
    default: 604_800,
    min: 60,
    description: 'Refresh token lifetime (each rotation starts a new one; the family ends at logout or reuse).',
  }),
  revocationRetentionMarginSeconds: setting.integer('REVOCATION_RETENTION_MARGIN_SECONDS', {
    default: 300,
    min: 0,
    max: 86_400,
    description:
      "A revocation is kept this long past the last `exp` it covers: keep it above every verifier's `CLOCK_TOLERANCE_SECONDS`.",
  }),
  revocationFeedSecret: revocationFeedSecretSetting,
  revocationFeedPollMs: setting.integer('REVOCATION_FEED_POLL_MS', {
    default: 200,
    min: 10,
    max: 10_000,
    description:
      'While gateways wait on the revocation feed, each replica checks the database this often for revocations made on another replica (one query per interval, however many gateways wait).',
  }),
  jwksMaxAgeSeconds: setting.integer('JWKS_MAX_AGE_SECONDS', {
    default: 300,
    min: 0,
    description: '`Cache-Control: max-age` of the JWKS.',
  }),
  signingKeyFile: setting.string('SIGNING_KEY_FILE', {
    default: '',
    defaultLabel: '(unset: keys live in the auth database)',
    description:
      'A file with one or more PKCS#8 PEM RSA private keys (e.g. a compose/Kubernetes secret); the first signs, all are published. Unset: a key is generated once and kept in the auth database.',
  }),
  signingKeyBits: setting.integer('SIGNING_KEY_BITS', {
    default: 2048,
    min: 2048,
    max: 8192,
    description: 'RSA modulus size of generated signing keys.',
  }),
  signingKeyReloadMs: setting.integer('SIGNING_KEY_RELOAD_MS', {
    default: 5000,
    min: 100,
    max: 3_600_000,
    description:
      'How often each replica re-reads its signing keys (database or SIGNING_KEY_FILE), so a rotation needs no restart.',
  }),
  signingKeyActivationDelaySeconds: setting.integer('SIGNING_KEY_ACTIVATION_DELAY_SECONDS', {
    default: 900,
    min: 0,
    description:
      "`keys:rotate activate` refuses to let a new key sign before it has been published this long: keep it above every verifier's JWKS cache age (gateway `JWKS_CACHE_MAX_AGE_SECONDS`) plus `JWKS_MAX_AGE_SECONDS`.",
  }),
  signingKeyRetireGraceSeconds: setting.integer('SIGNING_KEY_RETIRE_GRACE_SECONDS', {
    default: 60,
    min: 0,
    description:
      '`keys:rotate retire` removes a retired key from the JWKS once it stopped signing `ACCESS_TOKEN_TTL_SECONDS` + this long ago (covers clock skew and replicas still reloading).',
  }),
  loginThrottleWindowSeconds: setting.integer('LOGIN_THROTTLE_WINDOW_SECONDS', {
    default: 900,
    min: 1,
    description:
      'Failed logins are counted per account and per client address; a count with no failure for this long starts again from zero.',
  }),
  loginThrottleAccountAttempts: setting.integer('LOGIN_THROTTLE_ACCOUNT_ATTEMPTS', {
    default: 5,
    min: 1,
    description:
      'Failed logins allowed for one username before each further failure blocks it (429, exponential backoff).',
  }),
  loginThrottleClientAttempts: setting.integer('LOGIN_THROTTLE_CLIENT_ATTEMPTS', {
    default: 30,
    min: 1,
    description: 'Failed logins allowed from one client address (IPv6: its /64) before each further failure blocks it.',
  }),
  loginThrottleBaseDelaySeconds: setting.integer('LOGIN_THROTTLE_BASE_DELAY_SECONDS', {
    default: 1,
    min: 1,
    description: 'Block after the first failure over the allowance; it doubles with each further failure.',
  }),
  loginThrottleMaxDelaySeconds: setting.integer('LOGIN_THROTTLE_MAX_DELAY_SECONDS', {
    default: 300,
    min: 1,
    description: 'Longest block, so nobody can lock a real user out for longer than this at a time.',
  }),
  trustedProxyHops: setting.integer('TRUSTED_PROXY_HOPS', {
    default: 0,
    min: 0,
    max: 10,
    description:
      'Proxies in front of the gateway that append the client to `X-Forwarded-For` (counted from the right, the gateway itself not included): 0 for `npm start`, 1 behind one ingress or the compose balancer. Login throttling keys on the client this finds.',
  }),
  scryptCost: setting.integer('PASSWORD_SCRYPT_LOG2_COST', {
    default: 15,
    min: 10,
    max: 20,
    description: 'scrypt N = 2^value for new password hashes (memory = 1 KiB x N).',
  }),
  adminUsername: setting.string('ADMIN_USERNAME', {
    default: '',
    defaultLabel: '(unset)',
    description: 'If set with ADMIN_PASSWORD, this user exists with roles user+admin after start-up.',
  }),
  adminPassword: setting.string('ADMIN_PASSWORD', {
    default: '',
    defaultLabel: '(unset)',
    secret: true,
    description: 'Password of ADMIN_USERNAME.',
  }),
};

export type AuthConfig = DataServiceConfig<typeof authSettings, Record<never, never>>;

/** The optional bootstrap admin: both variables or neither, and a valid username and password. */
export function adminCredentials(config: AuthConfig): { username: string; password: string } | undefined {
  const { adminUsername: username, adminPassword: password } = config;
  if (!username && !password) return undefined;
  const problems: string[] = [];
  if (!username) problems.push('ADMIN_USERNAME is required when ADMIN_PASSWORD is set');
  if (!password) problems.push('ADMIN_PASSWORD is required when ADMIN_USERNAME is set');
  if (username && !/^[a-z0-9_.-]{3,64}$/.test(username))
    problems.push('ADMIN_USERNAME must be 3-64 characters of [a-z0-9_.-]');
  if (password && password.length < 8) problems.push('ADMIN_PASSWORD must be at least 8 characters');
  if (problems.length > 0) throw new ConfigError(problems);
  return { username, password };
}
