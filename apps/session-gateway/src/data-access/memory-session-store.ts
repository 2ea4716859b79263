import { isLive, type SessionLifetimes, type StoredSession } from '../domain/session';
import type { SessionStore } from '../domain/session-store';

/**
 * Sessions in a map inside this replica, as a first implementation keeps them. Bounded: at the
 * limit the oldest login is dropped (a Map iterates in insertion order), so a flood of logins
 * costs sessions, never the process's memory.
 */
export class MemorySessionStore implements SessionStore {
  readonly kind: string = 'memory';
  private readonly sessions = new Map<string, StoredSession>();

  constructor(
    private readonly lifetimes: SessionLifetimes,
    private readonly maxSessions: number,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  async save(session: StoredSession): Promise<void> {
    this.sessions.delete(session.idHash);
    while (this.sessions.size >= this.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    this.sessions.set(session.idHash, { ...session });
  }

  async findLive(idHash: string, now: number): Promise<StoredSession | undefined> {
    const session = this.sessions.get(idHash);
    if (!session) return undefined;
    if (!isLive(session, now, this.lifetimes)) {
      this.sessions.delete(idHash);
      return undefined;
    }
    session.lastSeenAt = now;
    return session;
  }

  async delete(idHash: string): Promise<void> {
    this.sessions.delete(idHash);
  }

  /** Drops expired sessions (run periodically, so idle ones do not wait for the bound). */
  prune(now: number): number {
    let pruned = 0;
    for (const [idHash, session] of this.sessions) {
      if (!isLive(session, now, this.lifetimes)) {
        this.sessions.delete(idHash);
        pruned += 1;
      }
    }
    return pruned;
  }
}
