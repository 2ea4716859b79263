import type { AccessTokenClaims } from '@jwt-msa/claims';
import { DependencyError } from '@jwt-msa/http-errors';
import { DenyList, RevocationFollower, type RevocationFailMode, type RevocationFeedPage } from '@jwt-msa/revocation';
import type { Background, Logger } from '@jwt-msa/service-defaults';
import { TokenRejectedError } from '@jwt-msa/token-verifier';

/** Fail-closed and the list is too old (or was never loaded): no token can be trusted not to be revoked. */
export class RevocationListStaleError extends DependencyError {
  constructor(detail: string) {
    super(`The revocation list is not current: ${detail}`, 503, 'revocation_list_stale');
  }
}

export interface RevocationGuardOptions {
  issuerUrls: readonly string[];
  /** Empty: no feed configured; nothing is refused for revocation (a warning at start). */
  secret: string;
  failMode: RevocationFailMode;
  maxStalenessMs: number;
  waitMs: number;
  resyncMs: number;
  logger: Logger;
  onPage?: (page: RevocationFeedPage, appliedAtMs: number) => void;
}

const SWEEP_INTERVAL_MS = 30_000;

/**
 * The gateway's revocation check: after a token is verified (or found in the verified-token
 * cache), its jti, sid and subject cutoff are looked up in the deny-list held in memory. The
 * follower keeps that list current in the background; nothing here touches a store.
 */
export class RevocationGuard implements Background {
  readonly denyList = new DenyList();
  private readonly follower: RevocationFollower | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private warnedStale = false;

  constructor(private readonly options: RevocationGuardOptions) {
    this.follower = options.secret
      ? new RevocationFollower({
          issuerUrls: options.issuerUrls,
          secret: options.secret,
          denyList: this.denyList,
          waitMs: options.waitMs,
          resyncMs: options.resyncMs,
          onPage: (page, appliedAtMs) => {
            if (this.warnedStale)
              options.logger.info({ entries: this.denyList.size }, 'revocation feed reachable again');
            this.warnedStale = false;
            options.onPage?.(page, appliedAtMs);
          },
          onError: (error, url) => this.feedFailed(error, url),
        })
      : undefined;
  }

  get enabled(): boolean {
    return this.follower !== undefined;
  }

  /** Throws 401 `revoked` for a revoked token; in closed mode, 503 while the list is too old. */
  check(claims: AccessTokenClaims): void {
    if (!this.follower) return;
    if (this.options.failMode === 'closed' || !this.follower.synced) {
      const problem = this.staleness();
      if (problem) throw new RevocationListStaleError(problem);
    }
    if (this.denyList.match(claims)) throw new TokenRejectedError('revoked', 'The token has been revoked');
  }

  /** Seconds the list may be behind the issuer (0 while the feed is followed live), or undefined without a feed. */
  stalenessSeconds(): number | undefined {
    return this.follower ? this.follower.stalenessMs() / 1000 : undefined;
  }

  /**
   * Ready once the first full list is loaded (a new or restarted replica never accepts a revoked
   * token); in closed mode not ready while too old; in open mode ready, with the staleness shown.
   */
  readonly readiness = async (): Promise<string | void> => {
    if (!this.follower) return 'disabled (REVOCATION_FEED_SECRET unset)';
    if (!this.follower.synced) throw new Error('revocation list not loaded yet');
    const problem = this.staleness();
    if (problem && this.options.failMode === 'closed')
      throw new Error(`${problem} (fail mode closed: refusing tokens)`);
    if (problem) return `${problem} (fail mode open: serving with the ${this.denyList.size} entries held)`;
    return `ok (${this.denyList.size} entries)`;
  };

  start(): void {
    if (!this.follower) {
      this.options.logger.warn(
        'REVOCATION_FEED_SECRET is not set: revoked access tokens are accepted until they expire',
      );
      return;
    }
    this.follower.start();
    this.sweepTimer ??= setInterval(() => this.denyList.sweep(), SWEEP_INTERVAL_MS).unref();
  }

  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    await this.follower?.stop();
  }

  private staleness(): string | undefined {
    const stalenessMs = this.follower!.stalenessMs();
    if (stalenessMs === Infinity) return 'never loaded';
    return stalenessMs > this.options.maxStalenessMs ? `stale for ${Math.round(stalenessMs / 1000)} s` : undefined;
  }

  private feedFailed(error: Error, url: string): void {
    const problem = this.follower && this.staleness();
    if (problem && !this.warnedStale) {
      this.warnedStale = true;
      this.options.logger.warn(
        { err: error.message, url, failMode: this.options.failMode },
        `revocation feed unreachable, list ${problem}: ${this.options.failMode === 'open' ? 'serving with the entries held' : 'refusing tokens'}`,
      );
    } else {
      this.options.logger.debug({ err: error.message, url }, 'revocation feed request failed; retrying');
    }
  }
}
