import type { Queryable } from '@jwt-msa/db';
import type { RevocationFeedPage } from '@jwt-msa/revocation';
import { RevocationRepository } from '../data-access/revocation-repository';
import type { FeedQuery } from './credentials';
import { feedPage } from './revocations';

/** Entries per incremental page; a follower that is further behind asks again at once. */
const PAGE_LIMIT = 1000;

interface Waiter {
  cursor: number;
  wake: () => void;
}

/**
 * The feed gateways follow, as a long poll: a follower asks for the entries after its cursor and,
 * when there are none yet, the request waits until one is appended (on any auth replica) or
 * `waitMs` passes. However many followers wait, one replica checks the store once per poll
 * interval, and only while someone waits; an append on this replica wakes its followers at once.
 */
export class RevocationFeed {
  private readonly waiters = new Set<Waiter>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly db: Queryable,
    private readonly pollMs: number,
  ) {}

  /** A page of a full list, or the entries after a cursor, waiting up to `waitMs` for some. */
  async read(query: FeedQuery, signal: AbortSignal): Promise<RevocationFeedPage> {
    const page = await feedPage(this.db, query, PAGE_LIMIT);
    if (query.kind === 'full' || page.cursor !== query.after || query.waitMs <= 0 || this.stopped) return page;
    await this.appendedAfter(query.after, query.waitMs, signal);
    return signal.aborted ? page : feedPage(this.db, query, PAGE_LIMIT);
  }

  /** Something was appended here: followers need not wait for the next poll. */
  readonly appended = (): void => {
    for (const waiter of this.waiters) waiter.wake();
  };

  /** Ends every wait, and waits no more (shutdown): followers get an empty page and ask again elsewhere. */
  stop(): void {
    this.stopped = true;
    this.appended();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private appendedAfter(cursor: number, waitMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        cursor,
        wake: () => {
          clearTimeout(timeout);
          signal.removeEventListener('abort', waiter.wake);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timeout = setTimeout(waiter.wake, waitMs);
      signal.addEventListener('abort', waiter.wake);
      this.waiters.add(waiter);
      this.schedulePoll();
    });
  }

  private schedulePoll(): void {
    if (this.timer || this.waiters.size === 0) return;
    this.timer = setTimeout(() => {
      new RevocationRepository(this.db).latestSeq().then(
        (latest) => {
          this.timer = undefined;
          for (const waiter of this.waiters) if (latest > waiter.cursor) waiter.wake();
          this.schedulePoll();
        },
        () => {
          // The store is unreachable: let the followers' requests end, so they retry (elsewhere).
          this.timer = undefined;
          this.appended();
        },
      );
    }, this.pollMs);
    this.timer.unref();
  }
}
