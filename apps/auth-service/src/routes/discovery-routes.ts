import { Router } from 'express';
import type { KeyRing } from '../domain/key-ring';

/** Where verifiers find the issuer's public keys: the JWKS and OpenID discovery metadata. */
export function discoveryRoutes(keys: KeyRing, issuer: string, jwksMaxAgeSeconds: number): Router {
  const router = Router();
  const metadata = {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    token_endpoint: `${issuer}/auth/login`,
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['none'],
    grant_types_supported: ['password', 'refresh_token'],
  };

  router.get('/.well-known/jwks.json', (_req, res) => {
    res.set('Cache-Control', `public, max-age=${jwksMaxAgeSeconds}`).json(keys.publicJwks());
  });
  router.get('/.well-known/openid-configuration', (_req, res) => {
    res.set('Cache-Control', `public, max-age=${jwksMaxAgeSeconds}`).json(metadata);
  });
  return router;
}
