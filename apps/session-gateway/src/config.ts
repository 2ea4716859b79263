import { ConfigError, loadConfig, setting, type ConfigOf } from '@jwt-msa/config';
import { databaseSettings } from '@jwt-msa/db';
import { edgeSettings } from '@jwt-msa/edge';
import { serviceSettings } from '@jwt-msa/service-defaults';

export const SESSION_STORES = ['memory', 'replicated', 'postgres'] as const;
export type SessionStoreKind = (typeof SESSION_STORES)[number];

const SECRET = /^.{32,}$/;

/**
 * The counter-example's settings: the edge's, plus where sessions live and how long they last.
 * The database settings are the shared ones except the URL, which only the postgres store needs.
 */
export const sessionGatewayConfigSchema = {
  ...serviceSettings,
  port: setting.port('PORT', {
    default: 8090,
    description: 'HTTP port of the session gateway (the counter-example; the JWT gateway is the entry point).',
  }),
  ...edgeSettings,
  sessionStore: setting.oneOf('SESSION_STORE', SESSION_STORES, {
    default: 'memory',
    description:
      'Where sessions live: `memory` (a bounded map in each replica), `replicated` (memory, every write and delete copied to `SESSION_PEERS`), `postgres` (a shared table, one lookup per request).',
  }),
  sessionIdleSeconds: setting.integer('SESSION_IDLE_SECONDS', {
    default: 1800,
    min: 1,
    description: 'A session not used for this long is over.',
  }),
  sessionAbsoluteSeconds: setting.integer('SESSION_ABSOLUTE_SECONDS', {
    default: 28_800,
    min: 1,
    description: 'A session is over this long after its login, however much it is used (also the cookie `Max-Age`).',
  }),
  sessionMemoryMaxSessions: setting.integer('SESSION_MEMORY_MAX_SESSIONS', {
    default: 100_000,
    min: 1,
    description: '`memory` and `replicated`: sessions one replica holds; the oldest is dropped to make room.',
  }),
  sessionCookieSecure: setting.boolean('SESSION_COOKIE_SECURE', {
    default: false,
    description: 'Adds `Secure` to the `sid` cookie (set it whenever clients reach this over HTTPS).',
  }),
  sessionAllowedOrigins: setting.string('SESSION_ALLOWED_ORIGINS', {
    default: '',
    defaultLabel: '(unset: the origin the request was sent to)',
    description:
      'Comma-separated origins (`https://app.example`) whose pages may send unsafe requests (POST, PUT, PATCH, DELETE) with the cookie; any other `Origin` gets 403 (CSRF).',
  }),
  credentialsCheckSecret: setting.string('CREDENTIALS_CHECK_SECRET', {
    pattern: SECRET,
    secret: true,
    description:
      "The auth service's `CREDENTIALS_CHECK_SECRET`: presented to its internal credentials check at each login. At least 32 characters.",
  }),
  sessionPeers: setting.string('SESSION_PEERS', {
    default: '',
    defaultLabel: '(none)',
    description:
      '`replicated`: comma-separated replication listener URLs of the other replicas (`http://10.0.0.2:9465`); every session write and delete is copied to each.',
  }),
  sessionReplicationPort: setting.port('SESSION_REPLICATION_PORT', {
    default: 9465,
    description: '`replicated`: internal listener that accepts copies from the peers (never expose it publicly).',
  }),
  sessionReplicationSecret: setting.string('SESSION_REPLICATION_SECRET', {
    default: '',
    defaultLabel: '(unset)',
    secret: true,
    description:
      '`replicated`: shared by every replica; each copy carries an HMAC-SHA256 of itself under it, and a copy without a valid one is refused (it would inject an identity). At least 32 characters.',
  }),
  databaseUrl: setting.url('DATABASE_URL', {
    default: '',
    defaultLabel: '(unset)',
    secret: true,
    description: '`postgres`: the database of the shared session table (a database of its own).',
  }),
  databasePassword: databaseSettings.databasePassword,
  databasePoolSize: databaseSettings.databasePoolSize,
  databaseStatementTimeoutMs: databaseSettings.databaseStatementTimeoutMs,
  databaseConnectTimeoutMs: databaseSettings.databaseConnectTimeoutMs,
};

export type SessionGatewayConfig = ConfigOf<typeof sessionGatewayConfigSchema>;

const list = (raw: string) =>
  raw
    .split(',')
    .map((part) => part.trim().replace(/\/+$/, ''))
    .filter(Boolean);

export function peersOf(config: SessionGatewayConfig): string[] {
  return list(config.sessionPeers);
}

export function allowedOriginsOf(config: SessionGatewayConfig): string[] {
  return list(config.sessionAllowedOrigins);
}

/** The schema, plus what one setting's value requires of another. */
export function loadSessionGatewayConfig(env: NodeJS.ProcessEnv = process.env): SessionGatewayConfig {
  const config = loadConfig(sessionGatewayConfigSchema, env);
  const problems: string[] = [];
  if (config.sessionStore === 'postgres' && !config.databaseUrl)
    problems.push('DATABASE_URL is required with SESSION_STORE=postgres');
  if (config.sessionStore === 'replicated' && !SECRET.test(config.sessionReplicationSecret))
    problems.push('SESSION_REPLICATION_SECRET of at least 32 characters is required with SESSION_STORE=replicated');
  if (config.sessionAbsoluteSeconds < config.sessionIdleSeconds)
    problems.push('SESSION_ABSOLUTE_SECONDS must not be shorter than SESSION_IDLE_SECONDS');
  for (const url of [...peersOf(config), ...allowedOriginsOf(config)]) {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
      problems.push(`"${url}" is not an http(s) URL (SESSION_PEERS, SESSION_ALLOWED_ORIGINS)`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
