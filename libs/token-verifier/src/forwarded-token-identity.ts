import type { RequestHandler } from 'express';
import { principalFromClaims, stripIdentityHeaders } from '@jwt-msa/claims';
import type { IdentityMode } from '@jwt-msa/service-defaults';
import { AccessTokenVerifier } from './access-token-verifier';
import { createTokenVerifier } from './create-token-verifier';
import { forwardedTokenSettings } from './settings';

/**
 * Identity for a service in verify-token mode: the caller is whoever the forwarded bearer token,
 * verified here, says. Identity headers are deleted unread, so a header that disagrees with the
 * token can never win, and headers without a token identify nobody. No token: an anonymous
 * request (public routes still work; requireAuth answers 401). A bad token: 401.
 */
export function verifiedTokenIdentity(verifier: AccessTokenVerifier): RequestHandler {
  return async (req, res, next) => {
    stripIdentityHeaders(req.headers);
    const authorization = req.headers.authorization;
    if (authorization === undefined || authorization.trim() === '') return next();
    try {
      const claims = await verifier.verify(AccessTokenVerifier.tokenFromAuthorization(authorization));
      res.locals.principal = principalFromClaims(claims);
      next();
    } catch (error) {
      next(error);
    }
  };
}

/**
 * The identity mode of every domain service: the gateway's identity headers by default, or, with
 * VERIFY_FORWARDED_TOKEN=true, the forwarded token verified here with every verifier setting
 * (defense in depth: a request that reaches the service without the gateway cannot name its own
 * caller).
 */
export const forwardedTokenIdentity: IdentityMode<typeof forwardedTokenSettings> = {
  settings: forwardedTokenSettings,
  middleware(config) {
    if (!config.verifyForwardedToken) return undefined;
    const { verifier } = createTokenVerifier(config, { defaultJwksUrls: [`${config.issuer}/.well-known/jwks.json`] });
    return verifiedTokenIdentity(verifier);
  },
};
