import { Router } from 'express';
import { ADMIN_ROLE, requireRole } from '@jwt-msa/claims';
import { NotFoundError } from '@jwt-msa/http-errors';
import { toPublic, type Accounts } from '../domain/accounts';
import { parseUserId, parseUsernameQuery } from '../domain/credentials';
import type { TokenGrants } from '../domain/token-grants';

/** Administration: find a user, revoke everything of theirs. The role comes from the gateway's identity headers. */
export function adminRoutes(accounts: Accounts, grants: TokenGrants): Router {
  const router = Router();
  router.use('/auth/admin', requireRole(ADMIN_ROLE));

  router.get('/auth/admin/users', async (req, res) => {
    const user = await accounts.findByUsername(parseUsernameQuery(req.query['username']));
    res.json({ users: user ? [toPublic(user)] : [] });
  });

  router.post('/auth/admin/users/:id/revoke', async (req, res) => {
    const userId = parseUserId(req.params.id);
    if (!(await accounts.exists(userId))) throw new NotFoundError(`No user with id ${userId}`);
    await grants.revokeUser(userId, 'admin');
    res.status(204).end();
  });
  return router;
}
