import pino, { type Logger } from 'pino';
import { LogDestination } from './log-destination';

export type { Logger };

/** Every logger's buffer in this process: written out by flushLogs and when the process exits. */
const destinations = new Set<LogDestination>();
process.once('exit', () => flushLogs());

/**
 * JSON logs, one object per line; secrets are redacted by path wherever they might appear.
 * Writes are asynchronous and batched (up to 4 KiB, or every 250 ms): one write per request line
 * cost a proxied request a fifth of its CPU in the benchmark, and a slow reader of stdout must never
 * stall request handling. `flushLogs` empties the buffer before the process exits. When stdout breaks
 * (its reader died), logging stops instead of retrying.
 */
export function createLogger(service: string, instanceId: string, level: string): Logger {
  const destination = new LogDestination(1);
  const logger = pino(
    {
      level,
      base: { service, instance: instanceId },
      redact: {
        paths: [
          'password',
          '*.password',
          'refresh_token',
          '*.refresh_token',
          'access_token',
          '*.access_token',
          'authorization',
          '*.authorization',
          'headers.authorization',
          'req.headers.authorization',
        ],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
  destinations.add(destination);
  return logger;
}

/** Writes out whatever any logger still buffers; safe to call right before process.exit. */
export function flushLogs(): void {
  for (const destination of destinations) destination.flushSync();
}
