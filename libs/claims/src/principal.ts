import type { IncomingHttpHeaders } from 'node:http';
import { ADMIN_ROLE, type AccessTokenClaims } from './access-token';
import { IDENTITY_HEADERS } from './identity-headers';

/** The verified caller, as a domain service sees it. */
export interface Principal {
  readonly userId: string;
  readonly username: string;
  readonly roles: readonly string[];
  readonly tokenId: string | undefined;
  readonly isAdmin: boolean;
}

const ROLE_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) return undefined; // repeated identity headers are never trusted
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The one place that reads the caller's identity (user id = the token's `sub`). Returns undefined
 * when the request carries no identity; throws when it carries a malformed one.
 */
export function principalFromHeaders(headers: IncomingHttpHeaders): Principal | undefined {
  const userId = single(headers, IDENTITY_HEADERS.userId);
  if (userId === undefined) return undefined;
  const username = single(headers, IDENTITY_HEADERS.username) ?? '';
  const roles = (single(headers, IDENTITY_HEADERS.roles) ?? '')
    .split(',')
    .map((role) => role.trim())
    .filter(Boolean);
  if (userId.length > 128 || !roles.every((role) => ROLE_PATTERN.test(role))) {
    throw new MalformedIdentityError();
  }
  return Object.freeze({
    userId,
    username,
    roles: Object.freeze(roles),
    tokenId: single(headers, IDENTITY_HEADERS.tokenId),
    isAdmin: roles.includes(ADMIN_ROLE),
  });
}

/**
 * The principal of a verified access token: for services that verify the forwarded token
 * themselves (verify-token mode), where the token, not any header, says who the caller is.
 */
export function principalFromClaims(claims: AccessTokenClaims): Principal {
  const roles = Object.freeze([...claims.roles]);
  return Object.freeze({
    userId: claims.sub,
    username: claims.username,
    roles,
    tokenId: claims.jti,
    isAdmin: roles.includes(ADMIN_ROLE),
  });
}

/** Headers that pass a caller's identity on to another service (e.g. orders -> catalog). */
export function identityHeadersFor(principal: Principal): Record<string, string> {
  const headers: Record<string, string> = {
    [IDENTITY_HEADERS.userId]: principal.userId,
    [IDENTITY_HEADERS.username]: principal.username,
    [IDENTITY_HEADERS.roles]: principal.roles.join(','),
  };
  if (principal.tokenId) headers[IDENTITY_HEADERS.tokenId] = principal.tokenId;
  return headers;
}

export class MalformedIdentityError extends Error {
  readonly code = 'malformed_identity';
  constructor() {
    super('Identity headers are malformed');
  }
}
