import { Router } from 'express';
import { principalOf, requireAuth } from '@jwt-msa/claims';
import type { Accounts } from '../domain/accounts';
import { parseLogin, parseOptionalBearer, parseRefreshToken, parseRegistration } from '../domain/credentials';
import type { KeyRing } from '../domain/key-ring';
import type { LoginThrottle } from '../domain/login-throttle';
import { verifyPresentedToken } from '../domain/presented-access-token';
import type { TokenGrants } from '../domain/token-grants';
import { clientAddress } from './client-address';

export interface AuthRouteOptions {
  trustedProxyHops: number;
  keys: KeyRing;
  /** The token contract, to check an access token sent to logout. */
  issuer: string;
  audience: string;
}

/**
 * HTTP adapter only: parse, delegate, answer. `/auth/sessions` and `/auth/logout-all` take the
 * caller from the gateway's identity headers (the gateway's route table authenticates them).
 */
export function authRoutes(
  accounts: Accounts,
  grants: TokenGrants,
  throttle: LoginThrottle,
  { trustedProxyHops, keys, issuer, audience }: AuthRouteOptions,
): Router {
  const router = Router();
  // Token responses must never be cached (RFC 6749 §5.1).
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.post('/auth/register', async (req, res) => {
    res.status(201).json(await accounts.register(parseRegistration(req.body)));
  });

  router.post('/auth/login', async (req, res) => {
    const credentials = parseLogin(req.body);
    const user = await throttle.guard(
      { username: credentials.username, client: clientAddress(req, trustedProxyHops) },
      () => accounts.authenticate(credentials),
    );
    res.json(await grants.login(user));
  });

  router.post('/auth/refresh', async (req, res) => {
    res.json(await grants.refresh(parseRefreshToken(req.body)));
  });

  router.post('/auth/logout', async (req, res) => {
    const refreshToken = parseRefreshToken(req.body);
    const accessToken = parseOptionalBearer(req.headers.authorization);
    const presented =
      accessToken === undefined ? undefined : verifyPresentedToken(accessToken, keys, { issuer, audience });
    await grants.logout(refreshToken, presented);
    res.status(204).end();
  });

  router.post('/auth/logout-all', requireAuth(), async (_req, res) => {
    await grants.revokeUser(principalOf(res).userId, 'logout-all');
    res.status(204).end();
  });

  router.get('/auth/sessions', requireAuth(), async (_req, res) => {
    const caller = principalOf(res);
    res.json({ sessions: await grants.sessionsOf(caller.userId, caller.sessionId) });
  });
  return router;
}
