import type { Queryable } from '@jwt-msa/db';
import type { RevocationFeedPage } from '@jwt-msa/revocation';
import type { RevokedFamily } from '../data-access/refresh-token-repository';
import type { FeedQuery } from './credentials';
import { RevocationRepository, type NewRevocation } from '../data-access/revocation-repository';

export interface RevocationPolicy {
  accessTokenTtlSeconds: number;
  /** Kept past the last `exp` it covers: above every verifier's clock tolerance. */
  retentionMarginSeconds: number;
}

/**
 * Token and session entries one user may have at once; one more and they collapse into a cutoff
 * at that moment, so a user with many logins (or an attacker logging in and out in a loop) costs
 * every gateway a bounded number of entries. The cutoff also ends the user's other access
 * tokens issued before it (they refresh once): memory is bounded at the cost of one refresh.
 */
export const MAX_NARROW_ENTRIES_PER_SUBJECT = 100;

/** A token presented at logout: its claims were verified (signature, issuer, audience) by the issuer itself. */
export interface PresentedToken {
  jti: string;
  sub: string;
  iat: number;
  exp: number;
  sid: string | undefined;
}

/**
 * What the issuer writes to the revocation feed, inside the transaction that revoked, and how long
 * each entry is kept: while a token it covers can be unexpired anywhere.
 */
export class Revocations {
  private readonly lifetimeMs: number;
  private readonly marginMs: number;

  constructor(policy: RevocationPolicy) {
    this.lifetimeMs = policy.accessTokenTtlSeconds * 1000;
    this.marginMs = policy.retentionMarginSeconds * 1000;
  }

  /** A family ended: its `sid` covers every access token it issued. */
  async sessionEnded(tx: Queryable, family: RevokedFamily): Promise<void> {
    const entry = this.sessionEntry(family);
    if (!entry) return;
    await this.appendNarrow(tx, entry);
  }

  /** One access token revoked by its `jti` (logout with a token of another family, or without `sid`). */
  async tokenRevoked(tx: Queryable, token: PresentedToken): Promise<void> {
    const expiresAtMs = token.exp * 1000 + this.marginMs;
    if (expiresAtMs <= Date.now()) return;
    // issuedUntil: the latest instant within its `iat` second, so only a later cutoff second covers it.
    await this.appendNarrow(tx, {
      kind: 'token',
      id: token.jti,
      subject: token.sub,
      issuedUntilMs: token.iat * 1000 + 999,
      expiresAtMs,
    });
  }

  /**
   * Every access token of the user issued before `cutoffMs` (logout-all, admin revoke), given the
   * families just ended that issued within the cutoff's second. The cutoff covers whole seconds before its own; the families that issued a
   * token within its second are revoked by `sid` too, which makes the cut exact. Older families
   * need no entry of their own: 100,000 logins and one logout-all leave one or two entries.
   */
  async subjectRevoked(tx: Queryable, subject: string, cutoffMs: number, families: RevokedFamily[]): Promise<void> {
    const cutoffSecondMs = Math.floor(cutoffMs / 1000) * 1000;
    const sameSecond = families
      .filter((family) => family.lastIssuedAt && family.lastIssuedAt.getTime() >= cutoffSecondMs)
      .map((family) => this.sessionEntry(family))
      .filter((entry) => entry !== undefined);
    await this.appendCutoff(tx, subject, cutoffMs, sameSecond);
  }

  private async appendNarrow(tx: Queryable, entry: NewRevocation): Promise<void> {
    const store = new RevocationRepository(tx);
    if ((await store.countNarrowEntriesOf(entry.subject)) >= MAX_NARROW_ENTRIES_PER_SUBJECT) {
      await this.appendCutoff(tx, entry.subject, Date.now(), [entry]);
      return;
    }
    await store.append([entry]);
  }

  private async appendCutoff(
    tx: Queryable,
    subject: string,
    cutoffMs: number,
    sameSecond: NewRevocation[],
  ): Promise<void> {
    const store = new RevocationRepository(tx);
    const cutoff: NewRevocation = {
      kind: 'subject',
      id: subject,
      subject,
      issuedUntilMs: cutoffMs,
      expiresAtMs: cutoffMs + this.lifetimeMs + this.marginMs,
    };
    await store.append([...sameSecond, cutoff]);
    await store.dropCoveredBy(cutoff);
  }

  private sessionEntry(family: RevokedFamily): NewRevocation | undefined {
    if (!family.lastIssuedAt) return undefined;
    const issuedUntilMs = family.lastIssuedAt.getTime();
    const expiresAtMs = issuedUntilMs + this.lifetimeMs + this.marginMs;
    if (expiresAtMs <= Date.now()) return undefined; // every token it issued has expired everywhere
    return { kind: 'session', id: family.familyId, subject: family.userId, issuedUntilMs, expiresAtMs };
  }
}

/** Entries per page of a full list: a few MiB of JSON at most. */
export const FULL_PAGE_LIMIT = 5000;

/** A page of the feed for a follower. */
export async function feedPage(db: Queryable, query: FeedQuery, limit: number): Promise<RevocationFeedPage> {
  const store = new RevocationRepository(db);
  if (query.kind === 'after') return { full: false, ...(await store.after(query.after, limit)) };
  const page = await store.livePage(query.from, query.until, FULL_PAGE_LIMIT);
  const last = page.entries.at(-1);
  return { full: true, ...page, ...(page.entries.length === FULL_PAGE_LIMIT && last && { next: last.seq }) };
}
