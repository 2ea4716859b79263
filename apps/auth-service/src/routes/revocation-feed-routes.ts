import { Router } from 'express';
import { UnauthorizedError } from '@jwt-msa/http-errors';
import { carriesFeedSecret, REVOCATION_FEED_PATH } from '@jwt-msa/revocation';
import { parseFeedQuery } from '../domain/credentials';
import type { RevocationFeed } from '../domain/revocation-feed';

/**
 * The internal revocation feed (never routed by a gateway): `GET /internal/revocations` with the
 * feed secret; without `after` a full list (resync) in pages (`from`, `until`), with it the
 * entries after that cursor, waiting up to `waitMs` for one.
 */
export function revocationFeedRoutes(feed: RevocationFeed, secret: string): Router {
  const router = Router();
  router.get(REVOCATION_FEED_PATH, async (req, res) => {
    if (!carriesFeedSecret(req.headers.authorization, secret)) {
      throw new UnauthorizedError('The revocation feed needs the feed secret', 'unauthorized', {
        'WWW-Authenticate': 'Bearer realm="jwt-msa-internal"',
      });
    }
    const query = parseFeedQuery(req.query);
    const disconnected = new AbortController();
    res.on('close', () => disconnected.abort());
    const page = await feed.read(query, disconnected.signal);
    if (!res.writableEnded && !disconnected.signal.aborted) res.json(page);
  });
  return router;
}
