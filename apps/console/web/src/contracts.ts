/** Shapes of the endpoints parts 6-8 use. */

export type RevokedReason = 'logout' | 'logout-all' | 'reuse' | 'admin';

export interface SessionFamily {
  id: string;
  createdAt: string;
  lastRotatedAt: string | null;
  revokedAt: string | null;
  revokedReason: RevokedReason | null;
  current: boolean;
}

export interface RevocationLag {
  gateways: { instance: string; refusedAfterMs: number | null }[];
  maxMs: number | null;
}

export type ComparisonModeName = 'jwt' | 'memory-round-robin' | 'memory-sticky' | 'replicated' | 'shared-store';

export interface ComparisonMode {
  mode: ComparisonModeName | string;
  requests: number;
  failed: number;
  storeQueries: number;
  logins: number;
  copiesPerLogin: number;
  replicaKilled: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

export function sessionsOf(body: unknown): SessionFamily[] | undefined {
  if (!isObject(body) || !Array.isArray(body['sessions'])) return undefined;
  const sessions = body['sessions'] as unknown[];
  return sessions.every((s) => isObject(s) && typeof s['id'] === 'string' && typeof s['createdAt'] === 'string')
    ? (sessions as SessionFamily[])
    : undefined;
}

export function revocationLagOf(body: unknown): RevocationLag | undefined {
  if (!isObject(body) || !Array.isArray(body['gateways'])) return undefined;
  const gateways = body['gateways'] as unknown[];
  return gateways.every((g) => isObject(g) && typeof g['instance'] === 'string')
    ? (body as unknown as RevocationLag)
    : undefined;
}

export function comparisonOf(body: unknown): ComparisonMode[] | undefined {
  if (!isObject(body) || !Array.isArray(body['modes'])) return undefined;
  const modes = body['modes'] as unknown[];
  return modes.every((m) => isObject(m) && typeof m['mode'] === 'string' && typeof m['failed'] === 'number')
    ? (modes as ComparisonMode[])
    : undefined;
}

/** GET /console/api/sessions-vs-jwt/:id: a run of the comparison on the console server. */
export interface ComparisonRun {
  id: string;
  state: 'running' | 'done' | 'failed';
  progress?: string;
  modes?: ComparisonMode[];
  error?: string;
}

export function comparisonRunOf(body: unknown): ComparisonRun | undefined {
  if (!isObject(body) || typeof body['id'] !== 'string') return undefined;
  const state = body['state'];
  if (state !== 'running' && state !== 'done' && state !== 'failed') return undefined;
  const modes = body['modes'] === undefined ? undefined : comparisonOf(body);
  if (body['modes'] !== undefined && !modes) return undefined;
  return {
    id: body['id'],
    state,
    ...(typeof body['progress'] === 'string' && { progress: body['progress'] }),
    ...(modes && { modes }),
    ...(typeof body['error'] === 'string' && { error: body['error'] }),
  };
}

export const REVOKED_REASON_WORDS: Record<string, string> = {
  logout: 'logged out',
  'logout-all': 'logged out everywhere',
  reuse: 'reuse: a rotated refresh token came back, so the whole family was revoked',
  admin: 'revoked by an administrator',
};

export const MODE_WORDS: Record<string, string> = {
  jwt: 'JWT (stateless)',
  'memory-round-robin': 'in-memory sessions, round robin',
  'memory-sticky': 'in-memory sessions, sticky',
  replicated: 'replicated sessions',
  'shared-store': 'shared session store',
};
