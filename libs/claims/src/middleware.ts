import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ForbiddenError, UnauthorizedError } from '@jwt-msa/http-errors';
import { MalformedIdentityError, principalFromHeaders, type Principal } from './principal';

const principals = new WeakMap<Request, Principal>();

/** Reads the gateway's identity headers once per request; never parses a token. */
export const attachPrincipal: RequestHandler = (req: Request, _res: Response, next: NextFunction) => {
  try {
    const principal = principalFromHeaders(req.headers);
    if (principal) principals.set(req, principal);
    next();
  } catch (error) {
    next(error instanceof MalformedIdentityError ? new UnauthorizedError(error.message, 'invalid_identity') : error);
  }
};

export function findPrincipal(req: Request): Principal | undefined {
  return principals.get(req);
}

/** The caller of a route guarded by requireAuth/requireRole. */
export function principalOf(req: Request): Principal {
  const principal = principals.get(req);
  if (!principal) throw new UnauthorizedError();
  return principal;
}

export function requireAuth(): RequestHandler {
  return (req, _res, next) => {
    next(principals.has(req) ? undefined : new UnauthorizedError());
  };
}

export function requireRole(role: string): RequestHandler {
  return (req, _res, next) => {
    const principal = principals.get(req);
    if (!principal) return next(new UnauthorizedError());
    next(principal.roles.includes(role) ? undefined : new ForbiddenError(`The "${role}" role is required`));
  };
}

/** For code that sets a principal by other means (verify-token mode). */
export function setPrincipal(req: Request, principal: Principal): void {
  principals.set(req, principal);
}
