import pino, { type Logger } from 'pino';

export type { Logger };

type Destination = ReturnType<typeof pino.destination>;
const destinations = new WeakMap<Logger, Destination>();

/**
 * JSON logs, one object per line; secrets are redacted by path wherever they might appear.
 * Writes are asynchronous: a slow reader of stdout (a log shipper, a busy pipe) must never stall
 * request handling; `flushLogs` empties the buffer before the process exits.
 */
export function createLogger(service: string, instanceId: string, level: string): Logger {
  const destination = pino.destination({ dest: 1, sync: false });
  const logger = pino({
    level,
    base: { service, instance: instanceId },
    redact: {
      paths: ['password', '*.password', 'refresh_token', '*.refresh_token', 'access_token', '*.access_token', 'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization'],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  }, destination);
  destinations.set(logger, destination);
  return logger;
}

/** Writes out whatever is still buffered; safe to call right before process.exit. */
export function flushLogs(logger: Logger): void {
  try {
    destinations.get(logger)?.flushSync();
  } catch {
    // Nothing buffered, or stdout already gone: nothing more to save.
  }
}
