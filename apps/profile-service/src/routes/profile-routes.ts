import { Router } from 'express';
import { principalOf, requireAuth } from '@jwt-msa/claims';
import { parseDisplayName } from '../domain/profile-input';
import type { Profiles } from '../domain/profiles';

/** HTTP adapter only: parse, delegate, answer. "me" is always the verified caller. */
export function profileRoutes(profiles: Profiles): Router {
  const router = Router();
  router.use('/api/profile', requireAuth());

  router.get('/api/profile/me', async (_req, res) => {
    res.json(await profiles.get(principalOf(res)));
  });

  router.put('/api/profile/me', async (req, res) => {
    const displayName = parseDisplayName(req.body);
    res.json(await profiles.setDisplayName(principalOf(res), displayName));
  });
  return router;
}
