import express, { Router, type Request } from 'express';
import { ValidationError } from '@jwt-msa/http-errors';
import type { CredentialsClient } from '../data-access/credentials-client';
import type { Sessions } from '../domain/sessions';
import { clearedSessionCookie, sessionCookie, type CookieOptions } from './session-cookie';

function loginOf(body: unknown): { username: string; password: string } {
  const { username, password } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof username !== 'string' || typeof password !== 'string')
    throw new ValidationError('Send {"username": "...", "password": "..."} as application/json');
  return { username, password };
}

/** The client's X-Forwarded-For with the peer this gateway accepted appended, as a proxy does. */
function forwardedFor(req: Request): string {
  const sent = req.headers['x-forwarded-for'];
  const chain = Array.isArray(sent) ? sent.join(', ') : sent;
  const peer = req.socket.remoteAddress ?? 'unknown';
  return chain ? `${chain}, ${peer}` : peer;
}

/** POST /session/login and /session/logout: adapt and delegate. */
export function sessionRoutes(sessions: Sessions, credentials: CredentialsClient, cookie: CookieOptions): Router {
  const router = Router();
  router.use('/session', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    res.locals.route = '/session';
    next();
  });
  router.post('/session/login', express.json({ limit: '4kb', strict: true }), async (req, res) => {
    const { username, password } = loginOf(req.body);
    const user = await credentials.check({
      username,
      password,
      forwardedFor: forwardedFor(req),
      requestId: res.locals.requestId,
    });
    const id = await sessions.login(user, res.locals.sessionId);
    res.set('Set-Cookie', sessionCookie(id, cookie)).json({ username: user.username, roles: user.roles });
  });
  router.post('/session/logout', async (_req, res) => {
    if (res.locals.sessionId !== undefined) await sessions.logout(res.locals.sessionId);
    res.set('Set-Cookie', clearedSessionCookie(cookie)).status(204).end();
  });
  return router;
}
