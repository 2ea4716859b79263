/**
 * What the issuer revokes, as it stores it and as every gateway receives it over the feed.
 *
 * - `token`: one access token, by its `jti`.
 * - `session`: every access token of one login (refresh-token family), by its `sid` claim.
 * - `subject`: every access token of one user (`sub`) issued before a cutoff (logout-all, admin
 *   revoke). `iat` has one-second precision, so the cutoff only covers tokens whose `iat` is a
 *   whole second before the cutoff's second; the issuer revokes the families that issued a token
 *   within the cutoff's own second by `sid` as well, which makes the cut exact: a token issued just
 *   before the revocation is refused, one issued just after (by a new login) is accepted.
 */
export type RevocationKind = 'token' | 'session' | 'subject';

export interface RevocationEntry {
  /** Position in the issuer's feed (strictly increasing). */
  readonly seq: number;
  readonly kind: RevocationKind;
  /** The `jti`, the `sid` or the `sub` it revokes. */
  readonly id: string;
  /** The user whose tokens it covers. */
  readonly subject: string;
  /**
   * Milliseconds since the epoch. `subject`: the cutoff. `token`/`session`: the latest issue time
   * of a token it covers (a revoked family issues no more).
   */
  readonly issuedUntilMs: number;
  /**
   * Milliseconds since the epoch after which no token it covers can still be accepted anywhere:
   * the latest `exp` it covers plus a margin above every verifier's clock tolerance.
   */
  readonly expiresAtMs: number;
  /** When the issuer wrote it (milliseconds since the epoch): gateways measure their revocation lag from it. */
  readonly revokedAtMs: number;
}

/** The claims a revocation is matched on (a verified access token's). */
export interface RevocableToken {
  readonly jti: string;
  readonly sub: string;
  readonly iat: number;
  readonly sid?: string | undefined;
}

/** Whether a subject cutoff covers a token issued at `iat` (seconds): only whole seconds before the cutoff's. */
export function cutoffCovers(cutoffMs: number, iat: number): boolean {
  return iat < Math.floor(cutoffMs / 1000);
}

/** One page of the feed: entries after the cursor asked for, or (full) every live entry. */
export interface RevocationFeedPage {
  /** Ask for entries after this next time. */
  readonly cursor: number;
  /** True when `entries` is the whole live list (a resync): replace, do not add. */
  readonly full: boolean;
  readonly entries: readonly RevocationEntry[];
  /**
   * A full list comes in pages, so no side ever holds it as one huge JSON text: when present, the
   * list goes on after this seq (ask `?from=<next>&until=<cursor>`); apply the list once complete.
   */
  readonly next?: number;
}

/**
 * The issuer's internal feed. Outside `/auth` and `/.well-known`, so no gateway route ever reaches
 * it: only services on the internal network holding the feed secret can read it.
 */
export const REVOCATION_FEED_PATH = '/internal/revocations';
