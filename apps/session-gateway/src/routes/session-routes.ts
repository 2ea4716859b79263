import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, ValidationError } from '@jwt-msa/http-errors';
import { pathOf } from '@jwt-msa/service-defaults';
import type { CredentialsClient } from '../data-access/credentials-client';
import type { Sessions } from '../domain/sessions';
import { clearedSessionCookie, sessionCookie, type CookieOptions } from './session-cookie';

/** A login body is two short strings; anything near this is not one. */
const MAX_LOGIN_BODY_BYTES = 4096;

/** The JSON body of a login, read here: the edge streams every other body through untouched. */
async function loginOf(req: IncomingMessage): Promise<{ username: string; password: string }> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    throw new HttpError(415, 'unsupported_media_type', 'Send the body as application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_LOGIN_BODY_BYTES) throw new HttpError(413, 'body_too_large', 'The login body is too large');
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ValidationError('The request body is not valid JSON');
  }
  const { username, password } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof username !== 'string' || typeof password !== 'string')
    throw new ValidationError('Send {"username": "...", "password": "..."} as application/json');
  return { username, password };
}

/** The client's X-Forwarded-For with the peer this gateway accepted appended, as a proxy does. */
function forwardedFor(req: IncomingMessage): string {
  const sent = req.headers['x-forwarded-for'];
  const chain = Array.isArray(sent) ? sent.join(', ') : sent;
  const peer = req.socket.remoteAddress ?? 'unknown';
  return chain ? `${chain}, ${peer}` : peer;
}

/**
 * POST /session/login and /session/logout: adapt and delegate. Answers true when the request was
 * one of them (the edge handles every other).
 */
export function sessionRoutes(
  sessions: Sessions,
  credentials: CredentialsClient,
  cookie: CookieOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const path = pathOf(req.url);
    if (req.method !== 'POST' || (path !== '/session/login' && path !== '/session/logout')) return false;
    res.locals.route = path;
    res.setHeader('Cache-Control', 'no-store');
    if (path === '/session/logout') {
      if (res.locals.sessionId !== undefined) await sessions.logout(res.locals.sessionId);
      res.setHeader('Set-Cookie', clearedSessionCookie(cookie));
      res.statusCode = 204;
      res.end();
      return true;
    }
    const { username, password } = await loginOf(req);
    const user = await credentials.check({
      username,
      password,
      forwardedFor: forwardedFor(req),
      requestId: res.locals.requestId,
    });
    const id = await sessions.login(user, res.locals.sessionId);
    const body = JSON.stringify({ username: user.username, roles: user.roles });
    res.writeHead(200, {
      'Set-Cookie': sessionCookie(id, cookie),
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
    return true;
  };
}
