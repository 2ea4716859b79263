import type { IncomingHttpHeaders } from 'node:http';
import { ADMIN_ROLE, type AccessTokenClaims } from './access-token';
import { IDENTITY_HEADERS } from './identity-headers';

/** The authenticated caller, as every service sees it. */
export interface Principal {
  /** The token's `sub`. */
  readonly userId: string;
  readonly username: string;
  readonly roles: readonly string[];
  /** The access token's `jti`, when the caller came with a token. */
  readonly tokenId: string | undefined;
  /** The access token's `exp` (seconds since the epoch), when the caller came with a token. */
  readonly tokenExpiresAt: number | undefined;
  /** The access token's `sid`: the login (refresh-token family) it was issued from. */
  readonly sessionId: string | undefined;
  readonly isAdmin: boolean;
}

const ROLE_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;
const EPOCH_SECONDS = /^\d{1,12}$/;

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) return undefined; // repeated identity headers are never trusted
  return value === undefined || value === '' ? undefined : value;
}

function principal(fields: Omit<Principal, 'isAdmin' | 'roles'> & { roles: readonly string[] }): Principal {
  const roles = Object.freeze(fields.roles.slice());
  // Every field named, not spread: one object shape for every caller, built on each proxied request
  // (a spread of the fields took ~3 µs, this ~0.15 µs).
  return Object.freeze({
    userId: fields.userId,
    username: fields.username,
    roles,
    tokenId: fields.tokenId,
    tokenExpiresAt: fields.tokenExpiresAt,
    sessionId: fields.sessionId,
    isAdmin: roles.includes(ADMIN_ROLE),
  });
}

/**
 * The one place that reads the caller's identity from an edge's headers (user id = the token's
 * `sub`). Returns undefined when the request carries no identity; throws when it carries a
 * malformed one.
 */
export function principalFromHeaders(headers: IncomingHttpHeaders): Principal | undefined {
  const userId = single(headers, IDENTITY_HEADERS.userId);
  if (userId === undefined) return undefined;
  const username = single(headers, IDENTITY_HEADERS.username) ?? '';
  const roles = (single(headers, IDENTITY_HEADERS.roles) ?? '')
    .split(',')
    .map((role) => role.trim())
    .filter(Boolean);
  const expiresAt = single(headers, IDENTITY_HEADERS.tokenExpiresAt);
  const sessionId = single(headers, IDENTITY_HEADERS.sessionId);
  if (sessionId !== undefined && sessionId.length > 128) throw new MalformedIdentityError();
  if (userId.length > 128 || !roles.every((role) => ROLE_PATTERN.test(role))) throw new MalformedIdentityError();
  if (expiresAt !== undefined && !EPOCH_SECONDS.test(expiresAt)) throw new MalformedIdentityError();
  return principal({
    userId,
    username,
    roles,
    tokenId: single(headers, IDENTITY_HEADERS.tokenId),
    tokenExpiresAt: expiresAt === undefined ? undefined : Number(expiresAt),
    sessionId,
  });
}

/**
 * The principal of a verified access token (the gateway, and services in verify-token mode, where
 * the token and not any header says who the caller is).
 */
export function principalFromClaims(claims: AccessTokenClaims): Principal {
  return principal({
    userId: claims.sub,
    username: claims.username,
    roles: claims.roles,
    tokenId: claims.jti,
    tokenExpiresAt: claims.exp,
    sessionId: claims.sid,
  });
}

/** A caller known by other means than a token (the session gateway's sessions). */
export function principalOfUser(user: { sub: string; username: string; roles: readonly string[] }): Principal {
  return principal({
    userId: user.sub,
    username: user.username,
    roles: user.roles,
    tokenId: undefined,
    tokenExpiresAt: undefined,
    sessionId: undefined,
  });
}

/**
 * The identity headers that carry a principal to the next service: set by an edge after it
 * authenticated the caller, and passed on by a service calling another (orders → catalog).
 */
export function identityHeadersFor(caller: Principal): Record<string, string> {
  const headers: Record<string, string> = {
    [IDENTITY_HEADERS.userId]: caller.userId,
    [IDENTITY_HEADERS.username]: caller.username,
    [IDENTITY_HEADERS.roles]: caller.roles.join(','),
  };
  if (caller.tokenId !== undefined) headers[IDENTITY_HEADERS.tokenId] = caller.tokenId;
  if (caller.tokenExpiresAt !== undefined) headers[IDENTITY_HEADERS.tokenExpiresAt] = String(caller.tokenExpiresAt);
  if (caller.sessionId !== undefined) headers[IDENTITY_HEADERS.sessionId] = caller.sessionId;
  return headers;
}

export class MalformedIdentityError extends Error {
  readonly code = 'malformed_identity';
  constructor() {
    super('Identity headers are malformed');
  }
}
