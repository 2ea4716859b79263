import type { Queryable } from '@jwt-msa/db';
import type { Logger } from '@jwt-msa/service-defaults';
import { RevocationRepository } from './data-access/revocation-repository';
import type { KeyRing } from './domain/key-ring';
import type { LoginThrottle } from './domain/login-throttle';
import type { RevocationFeed } from './domain/revocation-feed';

export interface Background {
  start(): void;
  stop(): void;
}

const THROTTLE_PRUNE_INTERVAL_MS = 60_000;

/**
 * A replica's periodic work: reloading the signing keys (so `keys:rotate` reaches every replica
 * without a restart), pruning login counters that can no longer block anyone and revocations that
 * cover no unexpired token. Failures are logged and retried at the next tick; the timers never
 * keep the process alive. Stopping also ends the feed's long polls, so shutdown never waits on them.
 */
export function authBackground({
  keys,
  throttle,
  db,
  feed,
  keyReloadMs,
  logger,
}: {
  keys: KeyRing;
  throttle: LoginThrottle;
  db: Queryable;
  feed: RevocationFeed;
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
        new RevocationRepository(db)
          .prune()
          .catch((error: Error) => logger.warn({ err: error.message }, 'revocation pruning failed'));
      }, THROTTLE_PRUNE_INTERVAL_MS).unref();
    },
    stop: () => {
      keys.stopReloading();
      feed.stop();
      if (pruneTimer) clearInterval(pruneTimer);
      pruneTimer = undefined;
    },
  };
}
