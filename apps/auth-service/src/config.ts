import { ConfigError, loadConfig, setting, type ConfigOf } from '@jwt-msa/config';
import { databaseSettings } from '@jwt-msa/db';
import { serviceSettings } from '@jwt-msa/service-defaults';

export const authConfigSchema = {
  ...serviceSettings,
  ...databaseSettings,
  issuer: setting.url('JWT_ISSUER', { default: 'http://localhost:8080', description: 'The `iss` of every token; also the public base URL of `/.well-known/*` (the gateway).' }),
  audience: setting.string('JWT_AUDIENCE', { default: 'jwt-msa-api', description: 'The `aud` of every access token.' }),
  accessTokenTtlSeconds: setting.integer('ACCESS_TOKEN_TTL_SECONDS', { default: 900, min: 10, max: 86_400, description: 'Access token lifetime.' }),
  refreshTokenTtlSeconds: setting.integer('REFRESH_TOKEN_TTL_SECONDS', { default: 604_800, min: 60, description: 'Refresh token lifetime (each rotation starts a new one; the family ends at logout or reuse).' }),
  jwksMaxAgeSeconds: setting.integer('JWKS_MAX_AGE_SECONDS', { default: 300, min: 0, description: '`Cache-Control: max-age` of the JWKS.' }),
  signingKeyFile: setting.string('SIGNING_KEY_FILE', {
    default: '',
    defaultLabel: '(unset: keys live in the auth database)',
    description: 'A file with one or more PKCS#8 PEM RSA private keys (e.g. a compose/Kubernetes secret); the first signs, all are published. Unset: a key is generated once and kept in the auth database.',
  }),
  signingKeyBits: setting.integer('SIGNING_KEY_BITS', { default: 2048, min: 2048, max: 8192, description: 'RSA modulus size of generated signing keys.' }),
  scryptCost: setting.integer('PASSWORD_SCRYPT_LOG2_COST', { default: 15, min: 10, max: 20, description: 'scrypt N = 2^value for new password hashes (memory = 1 KiB x N).' }),
  adminUsername: setting.string('ADMIN_USERNAME', { default: '', defaultLabel: '(unset)', description: 'If set with ADMIN_PASSWORD, this user exists with roles user+admin after start-up.' }),
  adminPassword: setting.string('ADMIN_PASSWORD', { default: '', defaultLabel: '(unset)', secret: true, description: 'Password of ADMIN_USERNAME.' }),
};

export type AuthConfig = ConfigOf<typeof authConfigSchema>;

export function loadAuthConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  return loadConfig(authConfigSchema, env);
}

/** The optional bootstrap admin: both variables or neither, and a valid username and password. */
export function adminCredentials(config: AuthConfig): { username: string; password: string } | undefined {
  const { adminUsername: username, adminPassword: password } = config;
  if (!username && !password) return undefined;
  const problems: string[] = [];
  if (!username) problems.push('ADMIN_USERNAME is required when ADMIN_PASSWORD is set');
  if (!password) problems.push('ADMIN_PASSWORD is required when ADMIN_USERNAME is set');
  if (username && !/^[a-z0-9_.-]{3,64}$/.test(username)) problems.push('ADMIN_USERNAME must be 3-64 characters of [a-z0-9_.-]');
  if (password && password.length < 8) problems.push('ADMIN_PASSWORD must be at least 8 characters');
  if (problems.length > 0) throw new ConfigError(problems);
  return { username, password };
}
