import { cutoffCovers, type RevocableToken, type RevocationEntry, type RevocationKind } from './revocation-entry';

export interface DenyListOptions {
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

/** What is held per id: only what matching and expiry need (~150 bytes an entry with its key, not a whole feed entry). */
interface Held {
  issuedUntilMs: number;
  expiresAtMs: number;
}

/** Why a token is refused: the entry that covers it. */
export interface Revoked {
  kind: RevocationKind;
  id: string;
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
  private byToken = new Map<string, Held>();
  private bySession = new Map<string, Held>();
  private bySubject = new Map<string, Held>();
  private readonly now: () => number;

  constructor(options: DenyListOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** The entry that revokes this token, if any. */
  match(token: RevocableToken): Revoked | undefined {
    // Every request asks, and nearly every answer is "no": three lookups, nothing allocated then.
    const now = this.now();
    if (isLive(this.byToken.get(token.jti), now)) return { kind: 'token', id: token.jti };
    if (token.sid !== undefined && isLive(this.bySession.get(token.sid), now))
      return { kind: 'session', id: token.sid };
    const cutoff = this.bySubject.get(token.sub);
    if (isLive(cutoff, now) && cutoffCovers(cutoff.issuedUntilMs, token.iat)) return { kind: 'subject', id: token.sub };
    return undefined;
  }

  /** Adds entries from the feed (already-expired ones are skipped; a later cutoff replaces an earlier one). */
  add(entries: readonly RevocationEntry[]): void {
    const now = this.now();
    for (const entry of entries) {
      if (entry.expiresAtMs <= now) continue;
      const map = this.mapOf(entry);
      const held = map.get(entry.id);
      // The one that covers more (the later cutoff) and lives longer.
      map.set(entry.id, {
        issuedUntilMs: Math.max(held?.issuedUntilMs ?? -Infinity, entry.issuedUntilMs),
        expiresAtMs: Math.max(held?.expiresAtMs ?? -Infinity, entry.expiresAtMs),
      });
    }
  }

  /** Replaces everything with a full list (a resync). */
  replace(entries: readonly RevocationEntry[]): void {
    this.byToken.clear();
    this.bySession.clear();
    this.bySubject.clear();
    this.add(entries);
  }

  /** Takes over what `other` holds, at once (a full list received in pages, then applied whole). */
  replaceWith(other: DenyList): void {
    this.byToken = other.byToken;
    this.bySession = other.bySession;
    this.bySubject = other.bySubject;
    other.byToken = new Map();
    other.bySession = new Map();
    other.bySubject = new Map();
  }

  /** Drops entries that can no longer cover an unexpired token; returns how many. */
  sweep(): number {
    const now = this.now();
    let dropped = 0;
    for (const map of [this.byToken, this.bySession, this.bySubject]) {
      for (const [id, held] of map) {
        if (held.expiresAtMs <= now) {
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

  private mapOf(entry: RevocationEntry): Map<string, Held> {
    if (entry.kind === 'token') return this.byToken;
    return entry.kind === 'session' ? this.bySession : this.bySubject;
  }
}

function isLive(held: Held | undefined, now: number): held is Held {
  return held !== undefined && held.expiresAtMs > now;
}
