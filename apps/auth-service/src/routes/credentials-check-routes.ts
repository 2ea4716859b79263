import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import { UnauthorizedError } from '@jwt-msa/http-errors';
import type { Accounts } from '../domain/accounts';
import { parseLogin } from '../domain/credentials';
import type { LoginThrottle } from '../domain/login-throttle';
import { clientAddress } from './client-address';

/** Where the session gateway (the counter-example) checks a password; no gateway routes this path. */
export const CREDENTIALS_CHECK_PATH = '/internal/credentials/check';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Only a caller holding the shared secret; compared in constant time (hashed first, so lengths match). */
function requireSecret(secret: string): RequestHandler {
  const expected = digest(`Bearer ${secret}`);
  return (req, _res, next) => {
    const presented = digest(req.headers.authorization ?? '');
    next(timingSafeEqual(presented, expected) ? undefined : new UnauthorizedError('Unknown caller', 'unknown_caller'));
  };
}

/**
 * The session gateway's login: the same throttled password check as `/auth/login`, answering who
 * the user is and nothing else (no token, no refresh family: the session gateway keeps the state).
 * It is mounted only when `CREDENTIALS_CHECK_SECRET` is set.
 */
export function credentialsCheckRoutes(
  accounts: Accounts,
  throttle: LoginThrottle,
  { secret, trustedProxyHops }: { secret: string; trustedProxyHops: number },
): Router {
  const router = Router();
  if (!secret) return router;
  router.post(CREDENTIALS_CHECK_PATH, requireSecret(secret), async (req, res) => {
    const credentials = parseLogin(req.body);
    const user = await throttle.guard(
      { username: credentials.username, client: clientAddress(req, trustedProxyHops) },
      () => accounts.authenticate(credentials),
    );
    res.set('Cache-Control', 'no-store').json({ sub: user.id, username: user.username, roles: user.roles });
  });
  return router;
}
