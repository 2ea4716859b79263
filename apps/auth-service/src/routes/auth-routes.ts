import { Router } from 'express';
import type { Accounts } from '../domain/accounts';
import { parseLogin, parseRefreshToken, parseRegistration } from '../domain/credentials';
import type { LoginThrottle } from '../domain/login-throttle';
import type { TokenGrants } from '../domain/token-grants';
import { clientAddress } from './client-address';

/** HTTP adapter only: parse, delegate, answer. */
export function authRoutes(
  accounts: Accounts,
  grants: TokenGrants,
  throttle: LoginThrottle,
  { trustedProxyHops }: { trustedProxyHops: number },
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
    await grants.logout(parseRefreshToken(req.body));
    res.status(204).end();
  });
  return router;
}
