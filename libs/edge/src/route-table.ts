import { NotFoundError, ValidationError } from '@jwt-msa/http-errors';
import type { UpstreamName } from '@jwt-msa/topology';

/** Who may use a route: anyone, any authenticated caller, or an authenticated caller with a role. */
export type Access = 'public' | 'authenticated' | { role: string };

export interface RouteRule {
  prefix: string;
  /** Limits the rule to these methods; absent = any method. */
  methods?: readonly string[];
  upstream: UpstreamName;
  access: Access;
}

/**
 * The system's whole public surface, as every edge serves it. First match wins; a path that
 * matches nothing is a 404 and never reaches a service (so /healthz, /readyz and /metrics of the
 * services stay internal).
 */
export const PUBLIC_ROUTES: readonly RouteRule[] = [
  // Before the public /auth rule: the auth service takes the caller of these from the identity headers.
  { prefix: '/auth/admin', upstream: 'auth', access: { role: 'admin' } },
  { prefix: '/auth/sessions', upstream: 'auth', access: 'authenticated' },
  { prefix: '/auth/logout-all', upstream: 'auth', access: 'authenticated' },
  { prefix: '/auth', upstream: 'auth', access: 'public' },
  { prefix: '/.well-known', methods: ['GET', 'HEAD'], upstream: 'auth', access: 'public' },
  { prefix: '/api/catalog', methods: ['GET', 'HEAD'], upstream: 'catalog', access: 'public' },
  { prefix: '/api/catalog', upstream: 'catalog', access: { role: 'admin' } },
  { prefix: '/api/orders', upstream: 'orders', access: 'authenticated' },
  { prefix: '/api/profile', upstream: 'profile', access: 'authenticated' },
];

export function matchRoute(table: readonly RouteRule[], method: string, path: string): RouteRule | undefined {
  return table.find(
    (rule) =>
      (path === rule.prefix || path.startsWith(`${rule.prefix}/`)) && (!rule.methods || rule.methods.includes(method)),
  );
}

/** Dot segments, encoded separators and backslashes could make a service see another path than the one we checked. */
const AMBIGUOUS_PATH = /(^|\/)\.{1,2}(\/|$)|%2e|%2f|%5c|\\|\/\//i;

export function isAmbiguousPath(path: string): boolean {
  return AMBIGUOUS_PATH.test(path);
}

/** The rule for this request: 400 for a path that is not in canonical form, 404 for one no rule serves. */
export function resolveRoute(table: readonly RouteRule[], method: string, path: string): RouteRule {
  if (isAmbiguousPath(path)) throw new ValidationError('The request path is not in canonical form');
  const rule = matchRoute(table, method, path);
  if (!rule) throw new NotFoundError(`No route for ${method} ${path}`);
  return rule;
}
