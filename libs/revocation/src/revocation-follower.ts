import { DenyList } from './deny-list';
import { REVOCATION_FEED_PATH, type RevocationEntry, type RevocationFeedPage } from './revocation-entry';

export interface RevocationFollowerOptions {
  /** Base URLs of the issuer's replicas; tried in turn, the next one after a failure. */
  issuerUrls: readonly string[];
  secret: string;
  denyList: DenyList;
  /** How long one long poll may wait on the issuer for a new entry. */
  waitMs: number;
  /** A full list is fetched this often (and at start), replacing what is held. */
  resyncMs: number;
  /** Allowed beyond `waitMs` for an answer, before the request counts as failed. */
  timeoutMs?: number;
  /** After each page applied: for metrics (the lag of each new entry, the entries held). */
  onPage?: (page: RevocationFeedPage, appliedAtMs: number) => void;
  onError?: (error: Error, issuerUrl: string) => void;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

const MAX_BACKOFF_MS = 5000;

/**
 * Keeps a gateway's deny-list current by following the issuer's feed: a full list first (the
 * gateway is not ready before it), then long polls for the entries after its cursor, and a full
 * list again every `resyncMs` (the safety net for anything missed). Off the request path entirely:
 * a request only reads the deny-list in memory.
 */
export class RevocationFollower {
  private cursor: number | undefined;
  private lastFullAtMs = -Infinity;
  private lastAnswerAtMs: number | undefined;
  private pollSinceMs: number | undefined;
  private connected = false;
  private failures = 0;
  private urlIndex = 0;
  private stopped = true;
  private running: Promise<void> | undefined;
  private abort = new AbortController();
  private firstSync: { promise: Promise<void>; resolve: () => void };
  private readonly now: () => number;
  private readonly timeoutMs: number;

  constructor(private readonly options: RevocationFollowerOptions) {
    if (options.issuerUrls.length === 0) throw new Error('the revocation feed needs at least one issuer URL');
    this.now = options.now ?? Date.now;
    // Gateways start on different issuer replicas, so their long polls spread over them.
    this.urlIndex = Math.floor(Math.random() * options.issuerUrls.length);
    this.timeoutMs = options.timeoutMs ?? 5000;
    let resolve = () => undefined as void;
    const promise = new Promise<void>((done) => (resolve = done));
    this.firstSync = { promise, resolve };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.abort = new AbortController();
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.running;
  }

  /** True once a full list has been applied: before, the gateway cannot know what is revoked. */
  get synced(): boolean {
    return this.lastAnswerAtMs !== undefined;
  }

  /** Resolves at the first full sync. */
  whenSynced(): Promise<void> {
    return this.firstSync.promise;
  }

  /**
   * How far behind the issuer the deny-list may be: 0 while a long poll is open on the issuer
   * (within its deadline, after a good answer: the issuer answers it as soon as something is
   * revoked), otherwise the time since the feed last answered. Infinity before the first sync.
   */
  stalenessMs(): number {
    if (this.lastAnswerAtMs === undefined) return Infinity;
    const now = this.now();
    if (
      this.connected &&
      this.pollSinceMs !== undefined &&
      now - this.pollSinceMs <= this.options.waitMs + this.timeoutMs
    )
      return 0;
    return Math.max(0, now - this.lastAnswerAtMs);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const url = this.options.issuerUrls[this.urlIndex % this.options.issuerUrls.length]!;
      try {
        const full = this.cursor === undefined || this.now() - this.lastFullAtMs >= this.options.resyncMs;
        const startedAtMs = this.now();
        this.pollSinceMs = full ? undefined : startedAtMs;
        const page = full
          ? await this.fetchFullList(url)
          : await this.fetchPage(url, `?after=${this.cursor}&waitMs=${this.options.waitMs}`, this.options.waitMs);
        const appliedAtMs = this.now();
        if (page.full) this.lastFullAtMs = startedAtMs;
        else this.options.denyList.add(page.entries);
        this.cursor = page.cursor;
        this.lastAnswerAtMs = appliedAtMs;
        this.connected = true;
        this.failures = 0;
        this.options.onPage?.(page, appliedAtMs);
        this.firstSync.resolve();
      } catch (error) {
        this.connected = false;
        this.pollSinceMs = undefined;
        if (this.stopped) break;
        this.failures++;
        this.urlIndex++;
        this.options.onError?.(error instanceof Error ? error : new Error(String(error)), url);
        await this.pause(Math.min(MAX_BACKOFF_MS, 100 * 2 ** this.failures));
      }
    }
  }

  /**
   * The whole list, page by page into a list of its own, then applied at once: requests never see
   * a half-loaded list. Returns the first page (its cursor is the list's).
   */
  private async fetchFullList(url: string): Promise<RevocationFeedPage> {
    const staging = new DenyList(this.options.now ? { now: this.options.now } : {});
    const first = await this.fetchPage(url, '', 0);
    staging.add(first.entries);
    for (let next = first.next; next !== undefined; ) {
      const page = await this.fetchPage(url, `?from=${next}&until=${first.cursor}`, 0);
      if (!page.full || (page.next !== undefined && page.next <= next))
        throw new Error('the revocation feed sent a full list out of order');
      staging.add(page.entries);
      next = page.next;
    }
    this.options.denyList.replaceWith(staging);
    return first;
  }

  private async fetchPage(url: string, query: string, waitMs: number): Promise<RevocationFeedPage> {
    const deadline = AbortSignal.timeout(waitMs + this.timeoutMs);
    const response = await fetch(`${url}${REVOCATION_FEED_PATH}${query}`, {
      headers: { authorization: `Bearer ${this.options.secret}`, accept: 'application/json' },
      signal: AbortSignal.any([deadline, this.abort.signal]),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`the revocation feed answered ${response.status}`);
    }
    return parsePage(await response.json());
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.abort.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

const KINDS = new Set(['token', 'session', 'subject']);

/** The feed is internal but still input: a page of another shape is an error, never a partial list. */
function parsePage(body: unknown): RevocationFeedPage {
  const page = body as Partial<RevocationFeedPage> | null;
  if (
    typeof page !== 'object' ||
    page === null ||
    typeof page.cursor !== 'number' ||
    typeof page.full !== 'boolean' ||
    (page.next !== undefined && typeof page.next !== 'number') ||
    !Array.isArray(page.entries) ||
    !page.entries.every(isEntry)
  ) {
    throw new Error('the revocation feed sent a page of an unexpected shape');
  }
  return page as RevocationFeedPage;
}

function isEntry(value: unknown): value is RevocationEntry {
  const entry = value as Record<string, unknown> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry['seq'] === 'number' &&
    KINDS.has(entry['kind'] as string) &&
    typeof entry['id'] === 'string' &&
    typeof entry['subject'] === 'string' &&
    typeof entry['issuedUntilMs'] === 'number' &&
    typeof entry['expiresAtMs'] === 'number' &&
    typeof entry['revokedAtMs'] === 'number'
  );
}
