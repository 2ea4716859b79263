import { request } from './api';
import type { Jwks } from './verify';
import { TokenSession } from './session';
import type { ActionKind } from './stats';

export type SessionChange = 'login' | 'refresh' | 'refresh-failed' | 'logout';

/** What the views share: the session in memory, the system's JWKS, and "an action happened". */
export interface Context {
  session: TokenSession;
  /** The system's JWKS from its configured URL (never a URL from a token); refetched when a kid is unknown. */
  jwks(kid?: string): Promise<{ ok: true; jwks: Jwks } | { ok: false; reason: string }>;
  /** Called after every action so the counters can be refreshed and attributed. */
  acted(kind: ActionKind): void;
  onActed(listener: (kind: ActionKind) => void): void;
  /** Session changes (login, refresh, logout) reach every view through here. */
  onSessionChange(listener: (change: SessionChange, auto: boolean) => void): void;
}

export const JWKS_PATH = '/.well-known/jwks.json';

export function createContext(): Context {
  const sessionListeners: ((change: SessionChange, auto: boolean) => void)[] = [];
  const actedListeners: ((kind: ActionKind) => void)[] = [];
  let cached: Jwks | undefined;
  let fetchedAt = 0;
  const context: Context = {
    session: new TokenSession(
      (refreshToken) => request('POST', '/auth/refresh', { json: { refresh_token: refreshToken } }),
      Date.now,
      (change, auto) => {
        if (change === 'refresh' || change === 'refresh-failed') context.acted('refresh');
        for (const listener of sessionListeners) listener(change, auto);
      },
    ),
    async jwks(kid) {
      if (cached && (!kid || cached.keys.some((key) => key.kid === kid))) return { ok: true, jwks: cached };
      // An unknown kid refetches (the issuer may have rotated keys), at most every 30 s.
      if (cached && Date.now() - fetchedAt < 30_000) return { ok: true, jwks: cached };
      fetchedAt = Date.now();
      const record = await request('GET', JWKS_PATH);
      const body = record.body as Partial<Jwks> | undefined;
      if (record.status === 200 && body && Array.isArray(body.keys)) {
        cached = { keys: body.keys };
        return { ok: true, jwks: cached };
      }
      return {
        ok: false,
        reason: `The JWKS could not be loaded from ${JWKS_PATH}: ${record.note || `HTTP ${record.status}`}`,
      };
    },
    acted: (kind) => actedListeners.forEach((listener) => listener(kind)),
    onActed: (listener) => void actedListeners.push(listener),
    onSessionChange: (listener) => void sessionListeners.push(listener),
  };
  return context;
}
