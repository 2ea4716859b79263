import { createPublicKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE, findClaimsProblem, type AccessTokenClaims } from '@jwt-msa/claims';
import { UnauthorizedError } from '@jwt-msa/http-errors';
import type { KeyRing } from './key-ring';
import type { PresentedToken } from './revocations';

export class InvalidAccessTokenError extends UnauthorizedError {
  constructor() {
    super('The access token is not one this issuer signed', 'invalid_token', {
      'WWW-Authenticate': 'Bearer realm="jwt-msa", error="invalid_token"',
    });
  }
}

/**
 * An access token sent to logout, checked against this issuer's own published keys (RS256 only,
 * issuer, audience, RFC 9068 type). Its expiry is not checked: an expired token is fine to revoke
 * (a no-op), and a client logging out after a pause should not be refused.
 */
export function verifyPresentedToken(
  token: string,
  keys: KeyRing,
  contract: { issuer: string; audience: string },
): PresentedToken {
  const decoded = jwt.decode(token, { complete: true });
  const kid = decoded?.header.kid;
  const jwk = keys.publicJwks().keys.find((key) => key.kid === kid);
  if (!decoded || !jwk || decoded.header.typ?.toLowerCase() !== ACCESS_TOKEN_TYPE) throw new InvalidAccessTokenError();
  let claims: AccessTokenClaims;
  try {
    claims = jwt.verify(token, createPublicKey({ key: { ...jwk }, format: 'jwk' }), {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: contract.issuer,
      audience: contract.audience,
      ignoreExpiration: true,
    }) as AccessTokenClaims;
  } catch {
    throw new InvalidAccessTokenError();
  }
  if (findClaimsProblem(claims)) throw new InvalidAccessTokenError();
  return { jti: claims.jti, sub: claims.sub, iat: claims.iat, exp: claims.exp, sid: claims.sid };
}
