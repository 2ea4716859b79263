import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs, one object per line; secrets are redacted by path wherever they might appear. */
export function createLogger(service: string, instanceId: string, level: string): Logger {
  return pino({
    level,
    base: { service, instance: instanceId },
    redact: {
      paths: ['password', '*.password', 'refresh_token', '*.refresh_token', 'access_token', '*.access_token', 'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization'],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
