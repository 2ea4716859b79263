import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '@jwt-msa/http-errors';

export const SESSION_COOKIE = 'sid';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** The `sid` cookie of this request, read once (absent: none sent). */
      sessionId?: string;
    }
  }
}

/** Browsers keep cookies of at most 4096 bytes each (RFC 6265 §6.1); a header far above that is not theirs. */
const MAX_COOKIE_HEADER = 8192;
const MAX_COOKIES = 64;
/** Control characters and DEL (RFC 6265 §4.1.1 excludes them from cookie values). */
const CONTROL = /[\u0000-\u001f\u007f]/;

class InvalidCookieError extends HttpError {
  constructor(message: string) {
    super(400, 'invalid_cookie', message);
  }
}

/** The `sid` value of a Cookie header (RFC 6265 §5.4); throws a 400 for a header no browser sends. */
export function sessionIdFromCookieHeader(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  if (header.length > MAX_COOKIE_HEADER) throw new InvalidCookieError('The Cookie header is too large');
  if (CONTROL.test(header)) throw new InvalidCookieError('The Cookie header holds control characters');
  const pairs = header.split(';');
  if (pairs.length > MAX_COOKIES) throw new InvalidCookieError('Too many cookies');
  const values: string[] = [];
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    if (pair.slice(0, equals).trim() === SESSION_COOKIE) values.push(pair.slice(equals + 1).trim());
  }
  // Two sids means someone else set one (cookie tossing from a sibling domain): trust neither.
  if (values.length > 1) throw new InvalidCookieError('More than one session cookie');
  return values[0];
}

/**
 * Reads the session cookie into `res.locals.sessionId` and removes the Cookie header from what is
 * forwarded: the id is a bearer credential, and no service needs it.
 */
export function readSessionCookie(req: IncomingMessage, res: ServerResponse): void {
  const sessionId = sessionIdFromCookieHeader(req.headers.cookie);
  delete req.headers.cookie;
  if (sessionId !== undefined) res.locals.sessionId = sessionId;
}

export interface CookieOptions {
  secure: boolean;
  maxAgeSeconds: number;
}

/** HttpOnly: no script reads it; SameSite=Strict: no other site's page sends it (RFC 6265bis §8.8). */
export function sessionCookie(id: string, { secure, maxAgeSeconds }: CookieOptions): string {
  return `${SESSION_COOKIE}=${id}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie({ secure }: Pick<CookieOptions, 'secure'>): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
