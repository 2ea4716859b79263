import type { AddressInfo } from 'node:net';
import express from 'express';
import { expressjwt } from 'express-jwt';
import { createProxyMiddleware } from 'http-proxy-middleware';
import jwksRsa from 'jwks-rsa';
import { AUDIENCE, ISSUER } from './bench-settings';
import { envOrThrow, exitWithParent, reportToParent } from './child-role';

/**
 * The peer: what a Node user would otherwise copy. express + express-jwt with jwks-rsa's
 * expressJwtSecret + http-proxy-middleware, configured as their READMEs show (key cache and JWKS
 * rate limit on, RS256 only, issuer and audience checked), neither tuned down nor up. Bench-only.
 */
export async function runPeerExpressJwt(): Promise<void> {
  const upstream = envOrThrow('UPSTREAM_URL');
  const app = express();
  app.use(
    expressjwt({
      secret: jwksRsa.expressJwtSecret({
        cache: true,
        rateLimit: true,
        jwksRequestsPerMinute: 5,
        jwksUri: envOrThrow('JWKS_URL'),
      }) as never,
      audience: AUDIENCE,
      issuer: ISSUER,
      algorithms: ['RS256'],
    }),
  );
  app.use(createProxyMiddleware({ target: upstream, changeOrigin: true }));
  app.use((error: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(error.status ?? 500).json({ error: 'unauthorized' });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  exitWithParent(() => {
    server.closeAllConnections();
  });
  reportToParent({ type: 'ready', port: (server.address() as AddressInfo).port });
}
