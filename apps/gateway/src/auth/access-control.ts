import type { RequestHandler } from 'express';
import { identityHeadersFromClaims, stripIdentityHeaders, type AccessTokenClaims } from '@jwt-msa/claims';
import { ForbiddenError } from '@jwt-msa/http-errors';
import { AccessTokenVerifier, TokenRejectedError } from '@jwt-msa/token-verifier';
import type { RouteRule } from '../routing/route-table';

export interface AccessControlOptions {
  verifier: AccessTokenVerifier;
  ruleOf: (req: Parameters<RequestHandler>[0]) => RouteRule;
  onVerified?: (claims: AccessTokenClaims) => void;
  /** Every verification's outcome: 'ok', a TokenRejectedError reason, or 'error' (e.g. JWKS unavailable). */
  onOutcome?: (outcome: string) => void;
}

/**
 * Enforces the route's access policy. Client-sent identity headers are always deleted first; on a
 * protected route the bearer token is verified and the verified claims become the only identity
 * headers the service receives. Failures never reach a service.
 */
export function accessControl({ verifier, ruleOf, onOutcome }: AccessControlOptions): RequestHandler {
  return async (req, _res, next) => {
    stripIdentityHeaders(req.headers);
    const { access } = ruleOf(req);
    if (access === 'public') return next();

    let claims: AccessTokenClaims;
    try {
      claims = await verifier.verify(AccessTokenVerifier.tokenFromAuthorization(req.headers.authorization));
      onOutcome?.('ok');
    } catch (error) {
      onOutcome?.(error instanceof TokenRejectedError ? error.reason : 'error');
      throw error;
    }
    if (typeof access === 'object' && !claims.roles.includes(access.role)) {
      throw new ForbiddenError(`The "${access.role}" role is required`);
    }
    Object.assign(req.headers, identityHeadersFromClaims(claims));
    next();
  };
}
