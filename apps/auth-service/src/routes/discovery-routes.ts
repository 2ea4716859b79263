import { Router } from 'express';
import type { KeyRing } from '../domain/key-ring';

/** Where verifiers find the issuer's public keys: the JWKS and OpenID discovery metadata. */
export function discoveryRoutes(keys: KeyRing, issuer: string, jwksMaxAgeSeconds: number): Router {
  const router = Router();
  // Only what this issuer serves: it issues no ID tokens and offers no OAuth token endpoint (login
  // takes JSON, not RFC 6749's form), so the discovery document names the issuer and its keys.
  const metadata = { issuer, jwks_uri: `${issuer}/.well-known/jwks.json` };

  router.get('/.well-known/jwks.json', (_req, res) => {
    res.set('Cache-Control', `public, max-age=${jwksMaxAgeSeconds}`).json(keys.publicJwks());
  });
  router.get('/.well-known/openid-configuration', (_req, res) => {
    res.set('Cache-Control', `public, max-age=${jwksMaxAgeSeconds}`).json(metadata);
  });
  return router;
}
