import { cutoffCovers, type RevocableToken, type RevocationEntry } from './revocation-entry';

export interface DenyListOptions {
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

/**
 * The revocations a gateway holds in memory, so refusing a revoked token costs three map lookups
 * and no store query. Entries by `jti`, by `sid`, and one cutoff per user; each is dropped once
 * no token it covers can be unexpired (`expiresAtMs`).
 *
 * Bounded by what the issuer sends: it collapses a user's entries into one cutoff (logout-all, or
 * more than a handful of single logouts in one token lifetime), so memory follows the number of
 * users who revoked within one access-token lifetime, never the number of logins.
 */
export class DenyList {
  private readonly byToken = new Map<string, RevocationEntry>();
  private readonly bySession = new Map<string, RevocationEntry>();
  private readonly bySubject = new Map<string, RevocationEntry>();
  private readonly now: () => number;

  constructor(options: DenyListOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** The entry that revokes this token, if any. */
  match(token: RevocableToken): RevocationEntry | undefined {
    const now = this.now();
    const live = (entry: RevocationEntry | undefined) => (entry && entry.expiresAtMs > now ? entry : undefined);
    const byToken = live(this.byToken.get(token.jti));
    if (byToken) return byToken;
    const bySession = token.sid === undefined ? undefined : live(this.bySession.get(token.sid));
    if (bySession) return bySession;
    const bySubject = live(this.bySubject.get(token.sub));
    return bySubject && cutoffCovers(bySubject.issuedUntilMs, token.iat) ? bySubject : undefined;
  }

  /** Adds entries from the feed (already-expired ones are skipped; a later cutoff replaces an earlier one). */
  add(entries: readonly RevocationEntry[]): void {
    const now = this.now();
    for (const entry of entries) {
      if (entry.expiresAtMs <= now) continue;
      const map = this.mapOf(entry);
      const held = map.get(entry.id);
      map.set(entry.id, held ? merged(held, entry) : entry);
    }
  }

  /** Replaces everything with a full list (a resync). */
  replace(entries: readonly RevocationEntry[]): void {
    this.byToken.clear();
    this.bySession.clear();
    this.bySubject.clear();
    this.add(entries);
  }

  /** Drops entries that can no longer cover an unexpired token; returns how many. */
  sweep(): number {
    const now = this.now();
    let dropped = 0;
    for (const map of [this.byToken, this.bySession, this.bySubject]) {
      for (const [id, entry] of map) {
        if (entry.expiresAtMs <= now) {
          map.delete(id);
          dropped++;
        }
      }
    }
    return dropped;
  }

  get size(): number {
    return this.byToken.size + this.bySession.size + this.bySubject.size;
  }

  private mapOf(entry: RevocationEntry): Map<string, RevocationEntry> {
    if (entry.kind === 'token') return this.byToken;
    return entry.kind === 'session' ? this.bySession : this.bySubject;
  }
}

/** Two entries for one id: the one that covers more (the later cutoff) and lives longer. */
function merged(held: RevocationEntry, incoming: RevocationEntry): RevocationEntry {
  return {
    ...incoming,
    issuedUntilMs: Math.max(held.issuedUntilMs, incoming.issuedUntilMs),
    expiresAtMs: Math.max(held.expiresAtMs, incoming.expiresAtMs),
    seq: Math.max(held.seq, incoming.seq),
  };
}
