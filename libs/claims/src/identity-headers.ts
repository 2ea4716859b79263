import type { IncomingHttpHeaders } from 'node:http';

/**
 * Headers an edge sets after authenticating a request, and the only identity source a domain
 * service trusts. Any incoming header with one of these prefixes is deleted by the edge first, so a
 * client can never choose its own identity.
 */
export const IDENTITY_HEADERS = {
  userId: 'x-user-id',
  username: 'x-user-name',
  roles: 'x-user-roles',
  tokenId: 'x-token-id',
  tokenExpiresAt: 'x-token-exp',
  sessionId: 'x-token-sid',
} as const;

export const IDENTITY_HEADER_PREFIXES = ['x-user-', 'x-token-', 'x-auth-'] as const;

/**
 * True for any header a client could use to pose as someone: every casing, and underscores in
 * place of dashes too (`X_User_Id`), because some proxies and frameworks treat the two alike.
 */
export function isIdentityHeader(name: string): boolean {
  const normalized = name.toLowerCase().replace(/_/g, '-');
  return IDENTITY_HEADER_PREFIXES.some((prefix) => normalized.startsWith(prefix));
}

/** Removes every identity header, whatever its casing or how often it was repeated. */
export function stripIdentityHeaders(headers: IncomingHttpHeaders): void {
  for (const name of Object.keys(headers)) {
    if (isIdentityHeader(name)) delete headers[name];
  }
}
