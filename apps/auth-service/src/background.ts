import type { Logger } from '@jwt-msa/service-defaults';
import type { KeyRing } from './domain/key-ring';
import type { LoginThrottle } from './domain/login-throttle';

export interface Background {
  start(): void;
  stop(): void;
}

const THROTTLE_PRUNE_INTERVAL_MS = 60_000;

/**
 * A replica's periodic work: reloading the signing keys (so `keys:rotate` reaches every replica
 * without a restart) and pruning login counters that can no longer block anyone. Failures are
 * logged and retried at the next tick; the timers never keep the process alive.
 */
export function authBackground({
  keys,
  throttle,
  keyReloadMs,
  logger,
}: {
  keys: KeyRing;
  throttle: LoginThrottle;
  keyReloadMs: number;
  logger: Logger;
}): Background {
  let pruneTimer: NodeJS.Timeout | undefined;
  return {
    start: () => {
      keys.startReloading({
        intervalMs: keyReloadMs,
        onError: (error) => logger.warn({ err: error.message }, 'signing key reload failed; keeping the loaded keys'),
        onChange: (change) => logger.info(change, 'signing keys changed'),
      });
      pruneTimer ??= setInterval(() => {
        throttle.prune().catch((error: Error) => logger.warn({ err: error.message }, 'login throttle pruning failed'));
      }, THROTTLE_PRUNE_INTERVAL_MS).unref();
    },
    stop: () => {
      keys.stopReloading();
      if (pruneTimer) clearInterval(pruneTimer);
      pruneTimer = undefined;
    },
  };
}
