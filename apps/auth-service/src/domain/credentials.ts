import { ValidationError } from '@jwt-msa/http-errors';

export interface Credentials {
  username: string;
  password: string;
}

const USERNAME = /^[a-z0-9_.-]{3,64}$/;
export const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_LENGTH = 1024;

function body(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError('The body must be a JSON object');
  }
  return input as Record<string, unknown>;
}

function requiredString(fields: Record<string, unknown>, name: string): string {
  const value = fields[name];
  if (value === undefined || value === null) throw new ValidationError(`${name} is required`);
  if (typeof value !== 'string') throw new ValidationError(`${name} must be a string`);
  return value;
}

/** Registration enforces the username format and password strength. */
export function parseRegistration(input: unknown): Credentials {
  const fields = body(input);
  const username = requiredString(fields, 'username');
  const password = requiredString(fields, 'password');
  if (!USERNAME.test(username)) {
    throw new ValidationError('username must be 3-64 characters of lowercase letters, digits, "_", "." or "-"');
  }
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new ValidationError(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH)
    throw new ValidationError(`password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  return { username, password };
}

/** No registered username has one, and PostgreSQL cannot store a NUL byte in text at all. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Login only checks shapes: any well-typed pair gets the same 401 when it does not match. */
export function parseLogin(input: unknown): Credentials {
  const fields = body(input);
  const username = requiredString(fields, 'username');
  const password = requiredString(fields, 'password');
  if (username.length > 256 || password.length > MAX_PASSWORD_LENGTH)
    throw new ValidationError('username or password too long');
  if (CONTROL_CHARACTERS.test(username)) throw new ValidationError('username must not contain control characters');
  return { username, password };
}

export function parseRefreshToken(input: unknown): string {
  const token = requiredString(body(input), 'refresh_token');
  if (token.length === 0 || token.length > 256) throw new ValidationError('refresh_token is malformed');
  return token;
}

/** The token of an optional `Authorization: Bearer` header (RFC 6750 §2.1); undefined when absent. */
export function parseOptionalBearer(header: string | undefined): string | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^Bearer +([A-Za-z0-9_.-]{1,8192}) *$/i.exec(header);
  if (!match?.[1]) throw new ValidationError('The Authorization header must be "Bearer <access token>"');
  return match[1];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseUserId(raw: string): string {
  if (!UUID.test(raw)) throw new ValidationError('The user id must be a UUID');
  return raw.toLowerCase();
}

/** `?username=`: exactly one, of a length a username can have. */
export function parseUsernameQuery(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0) throw new ValidationError('username is required (once)');
  if (raw.length > 256 || CONTROL_CHARACTERS.test(raw)) throw new ValidationError('username is malformed');
  return raw;
}

/** What a follower asks the feed for. */
export type FeedQuery =
  | { kind: 'after'; after: number; waitMs: number }
  | { kind: 'full'; from: number; until: number | undefined };

const CURSOR = /^\d{1,15}$/;

/**
 * The feed's query: `after` (a cursor) with `waitMs` (long poll, at most 30 s); or none, a full
 * list, whose further pages are asked with `from` and `until` (from the previous page).
 */
export function parseFeedQuery(query: Record<string, unknown>): FeedQuery {
  const cursor = (name: string): number | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !CURSOR.test(value))
      throw new ValidationError(`${name} must be a cursor returned by the feed`);
    return Number(value);
  };
  const { waitMs } = query;
  if (waitMs !== undefined && (typeof waitMs !== 'string' || !/^\d{1,5}$/.test(waitMs) || Number(waitMs) > 30_000))
    throw new ValidationError('waitMs must be an integer from 0 to 30000');
  const after = cursor('after');
  if (after !== undefined) return { kind: 'after', after, waitMs: waitMs === undefined ? 0 : Number(waitMs) };
  return { kind: 'full', from: cursor('from') ?? 0, until: cursor('until') };
}
