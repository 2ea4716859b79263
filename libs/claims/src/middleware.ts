import type { RequestHandler, Response } from 'express';
import { ForbiddenError, UnauthorizedError } from '@jwt-msa/http-errors';
import { MalformedIdentityError, principalFromHeaders, type Principal } from './principal';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** The authenticated caller of this request, set once by the identity middleware. */
      principal?: Principal;
    }
  }
}

/** Reads the edge's identity headers once per request; never parses a token. */
export const attachPrincipal: RequestHandler = (req, res, next) => {
  try {
    const principal = principalFromHeaders(req.headers);
    if (principal) res.locals.principal = principal;
    next();
  } catch (error) {
    next(error instanceof MalformedIdentityError ? new UnauthorizedError(error.message, 'invalid_identity') : error);
  }
};

/** The caller of a route guarded by requireAuth/requireRole. */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal;
  if (!principal) throw new UnauthorizedError();
  return principal;
}

export function requireAuth(): RequestHandler {
  return (_req, res, next) => {
    next(res.locals.principal ? undefined : new UnauthorizedError());
  };
}

export function requireRole(role: string): RequestHandler {
  return (_req, res, next) => {
    const principal = res.locals.principal;
    if (!principal) return next(new UnauthorizedError());
    next(principal.roles.includes(role) ? undefined : new ForbiddenError(`The "${role}" role is required`));
  };
}
