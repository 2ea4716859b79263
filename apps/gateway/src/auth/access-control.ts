import type { RequestHandler } from 'express';
import { identityHeadersFromClaims, stripIdentityHeaders, type AccessTokenClaims } from '@jwt-msa/claims';
import { ForbiddenError } from '@jwt-msa/http-errors';
import { AccessTokenVerifier } from '@jwt-msa/token-verifier';
import type { RouteRule } from '../routing/route-table';

export interface AccessControlOptions {
  verifier: AccessTokenVerifier;
  ruleOf: (req: Parameters<RequestHandler>[0]) => RouteRule;
  onVerified?: (claims: AccessTokenClaims) => void;
}

/**
 * Enforces the route's access policy. Client-sent identity headers are always deleted first; on a
 * protected route the bearer token is verified and the verified claims become the only identity
 * headers the service receives. Failures never reach a service.
 */
export function accessControl({ verifier, ruleOf }: AccessControlOptions): RequestHandler {
  return async (req, _res, next) => {
    stripIdentityHeaders(req.headers);
    const { access } = ruleOf(req);
    if (access === 'public') return next();

    const token = AccessTokenVerifier.tokenFromAuthorization(req.headers.authorization);
    const claims = await verifier.verify(token);
    if (typeof access === 'object' && !claims.roles.includes(access.role)) {
      throw new ForbiddenError(`The "${access.role}" role is required`);
    }
    Object.assign(req.headers, identityHeadersFromClaims(claims));
    next();
  };
}
