import type { IncomingHttpHeaders } from 'node:http';
import type { AccessTokenClaims } from './access-token';

/**
 * Headers the gateway sets after verifying a token, and the only identity source a domain service
 * trusts. Any incoming header with one of these prefixes is deleted by the gateway first, so a
 * client can never choose its own identity.
 */
export const IDENTITY_HEADERS = {
  userId: 'x-user-id',
  username: 'x-user-name',
  roles: 'x-user-roles',
  tokenId: 'x-token-id',
  tokenExpiresAt: 'x-token-exp',
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

export function identityHeadersFromClaims(claims: AccessTokenClaims): Record<string, string> {
  return {
    [IDENTITY_HEADERS.userId]: claims.sub,
    [IDENTITY_HEADERS.username]: claims.username,
    [IDENTITY_HEADERS.roles]: claims.roles.join(','),
    [IDENTITY_HEADERS.tokenId]: claims.jti,
    [IDENTITY_HEADERS.tokenExpiresAt]: String(claims.exp),
  };
}
