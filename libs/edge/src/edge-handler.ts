import type { IncomingMessage, ServerResponse } from 'node:http';
import { identityHeadersFor, stripIdentityHeaders, type Principal } from '@jwt-msa/claims';
import { ForbiddenError } from '@jwt-msa/http-errors';
import { pathOf, REQUEST_ID_HEADER } from '@jwt-msa/service-defaults';
import type { UpstreamName } from '@jwt-msa/topology';
import { resolveRoute, type RouteRule } from './route-table';
import type { UpstreamProxy } from './upstream-proxy';

/** How an edge learns who the caller is: a verified token, a session, ... */
export interface Authenticator {
  /** The caller of this request; throws an HttpError (401) when there is none. */
  authenticate(req: IncomingMessage, res: ServerResponse): Promise<Principal>;
}

export interface EdgeHandlerOptions {
  routes: readonly RouteRule[];
  authenticator: Authenticator;
  upstreams: Readonly<Record<UpstreamName, UpstreamProxy>>;
}

/**
 * An edge's request path, straight: resolve the route (400/404) → authorize (authenticate, then
 * the route's role) → forward. Identity headers a client sent are deleted on every route; on a
 * protected one the authenticated caller becomes the only identity the service receives.
 */
export function edgeHandler({
  routes,
  authenticator,
  upstreams,
}: EdgeHandlerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const rule = resolveRoute(routes, req.method ?? 'GET', pathOf(req.url));
    res.locals.route = rule.prefix;
    stripIdentityHeaders(req.headers);
    if (rule.access !== 'public') {
      const caller = await authenticator.authenticate(req, res);
      if (typeof rule.access === 'object' && !caller.roles.includes(rule.access.role)) {
        throw new ForbiddenError(`The "${rule.access.role}" role is required`);
      }
      Object.assign(req.headers, identityHeadersFor(caller));
      res.locals.principal = caller;
    }
    req.headers[REQUEST_ID_HEADER] = res.locals.requestId;
    await upstreams[rule.upstream].forward(req, res);
  };
}
