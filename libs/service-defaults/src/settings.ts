import { hostname } from 'node:os';
import { setting } from '@jwt-msa/config';

/** Settings every service has; each app spreads these into its own schema. */
export const serviceSettings = {
  host: setting.string('HOST', {
    default: '127.0.0.1',
    description: 'Interface to listen on (`0.0.0.0` in containers).',
  }),
  port: setting.port('PORT', { default: 3000, description: 'HTTP port (`0` = any free port).' }),
  instanceId: setting.string('INSTANCE_ID', {
    default: `${hostname()}-${process.pid}`,
    defaultLabel: '`<hostname>-<pid>`',
    pattern: /^[A-Za-z0-9_.-]{1,64}$/,
    description: 'Replica name, shown in `X-Served-By` and logs.',
  }),
  logLevel: setting.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, {
    default: 'info',
    description: 'Minimum log level.',
  }),
  bodyLimitBytes: setting.byteSize('BODY_LIMIT', {
    default: 16 * 1024,
    defaultLabel: '`16kb`',
    description:
      'Largest request body, counted while it streams (chunked or not): one byte more is a `413` and a closed connection. At the gateway, no upstream receives more.',
  }),
  bodyTimeoutMs: setting.integer('BODY_TIMEOUT_MS', {
    default: 10_000,
    min: 100,
    description: 'How long a request body may take to arrive in full before it is cut off with a `408`.',
  }),
  shutdownGraceMs: setting.integer('SHUTDOWN_GRACE_MS', {
    default: 10_000,
    min: 0,
    description: 'On SIGTERM, how long in-flight requests may take before the process exits.',
  }),
};
