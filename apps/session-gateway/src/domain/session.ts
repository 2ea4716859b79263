import { createHash, randomBytes } from 'node:crypto';

/** Who a session belongs to: what the auth service's credentials check answered. */
export interface SessionUser {
  readonly sub: string;
  readonly username: string;
  readonly roles: readonly string[];
}

/**
 * One login, as a store keeps it. Stores key it by a hash of the id, never the id itself, so
 * whoever reads a store (a table dump, a replication copy) holds nothing that logs anyone in.
 */
export interface StoredSession {
  readonly idHash: string;
  readonly user: SessionUser;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  lastSeenAt: number;
}

/** 32 random bytes (256 bits, above OWASP's 64-bit minimum of entropy), base64url: 43 characters. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

/** The lifetimes a session is held to: idle (since it was last used) and absolute (since its login). */
export interface SessionLifetimes {
  idleMs: number;
  absoluteMs: number;
}

export function isLive(session: StoredSession, now: number, lifetimes: SessionLifetimes): boolean {
  return now - session.lastSeenAt < lifetimes.idleMs && now - session.createdAt < lifetimes.absoluteMs;
}
