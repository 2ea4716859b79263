import { hashSessionId, newSessionId, SESSION_ID_PATTERN, type SessionUser } from './session';
import type { SessionStore } from './session-store';

/**
 * Login, lookup and logout, whatever the store. A login always makes a fresh id (so an id an
 * attacker planted before the login never becomes authenticated: no session fixation, OWASP
 * Session Management cheat sheet) and ends the session the client came with.
 */
export class Sessions {
  constructor(
    private readonly store: SessionStore,
    private readonly now: () => number,
    private readonly onLookup: (found: boolean) => void = () => undefined,
    private readonly onLogin: () => void = () => undefined,
  ) {}

  async login(user: SessionUser, previousId: string | undefined): Promise<string> {
    if (previousId) await this.logout(previousId);
    const id = newSessionId();
    const now = this.now();
    await this.store.save({ idHash: hashSessionId(id), user, createdAt: now, lastSeenAt: now });
    this.onLogin();
    return id;
  }

  /** The user of a live session; an id that cannot be one of ours costs no lookup. */
  async userOf(id: string): Promise<SessionUser | undefined> {
    if (!SESSION_ID_PATTERN.test(id)) return undefined;
    const session = await this.store.findLive(hashSessionId(id), this.now());
    this.onLookup(session !== undefined);
    return session?.user;
  }

  async logout(id: string): Promise<void> {
    if (SESSION_ID_PATTERN.test(id)) await this.store.delete(hashSessionId(id));
  }
}
