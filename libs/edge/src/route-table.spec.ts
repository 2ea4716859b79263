import { HttpError } from '@jwt-msa/http-errors';
import { isAmbiguousPath, matchRoute, PUBLIC_ROUTES, resolveRoute } from './index';

describe('the public route table', () => {
  it.each([
    ['POST', '/auth/login', 'auth', 'public'],
    ['POST', '/auth/logout', 'auth', 'public'],
    ['GET', '/auth/sessions', 'auth', 'authenticated'],
    ['POST', '/auth/logout-all', 'auth', 'authenticated'],
    ['GET', '/auth/admin/users', 'auth', 'role:admin'],
    ['POST', '/auth/admin/users/00000000-0000-4000-8000-000000000000/revoke', 'auth', 'role:admin'],
    ['GET', '/.well-known/jwks.json', 'auth', 'public'],
    ['GET', '/api/catalog/products', 'catalog', 'public'],
    ['POST', '/api/catalog/products', 'catalog', 'role:admin'],
    ['GET', '/api/orders', 'orders', 'authenticated'],
    ['DELETE', '/api/profile/me', 'profile', 'authenticated'],
    ['GET', '/console/app.js', 'console', 'public'],
    ['HEAD', '/console/', 'console', 'public'],
    ['POST', '/console/api/revocation-lag', 'console', 'public'],
    ['POST', '/console/api/sessions-vs-jwt', 'console', 'public'],
    ['GET', '/console/api/sessions-vs-jwt/0b7c8e7a-3f7e-4c4e-9a55-0d6f0b1f7a10', 'console', 'public'],
  ])('%s %s goes to %s (%s)', (method, path, upstream, access) => {
    const rule = matchRoute(PUBLIC_ROUTES, method, path)!;
    expect(rule.upstream).toBe(upstream);
    expect(typeof rule.access === 'object' ? `role:${rule.access.role}` : rule.access).toBe(access);
  });

  it('serves nothing else: internal endpoints, prefixes that only look alike, other methods', () => {
    for (const [method, path] of [
      ['GET', '/healthz'],
      ['GET', '/metrics'],
      ['GET', '/authx'],
      ['GET', '/internal/revocations'],
      ['GET', '/api/ordersX'],
      ['POST', '/.well-known/jwks.json'],
      ['POST', '/console/app.js'],
      ['GET', '/consoles'],
      // The auth service's credentials check for the session gateway: between services only.
      ['POST', '/internal/credentials/check'],
    ] as const) {
      expect([method, path, matchRoute(PUBLIC_ROUTES, method, path)]).toEqual([method, path, undefined]);
    }
  });

  it('answers 405 naming the allowed methods for a path served only with others', () => {
    expect(() => resolveRoute(PUBLIC_ROUTES, 'PUT', '/console/app.js')).toThrow(
      expect.objectContaining({ status: 405, code: 'method_not_allowed', headers: { Allow: 'GET, HEAD' } }),
    );
    expect(() => resolveRoute(PUBLIC_ROUTES, 'DELETE', '/console/api/stats')).toThrow(
      expect.objectContaining({ status: 405, headers: { Allow: 'GET, HEAD, POST' } }),
    );
  });

  it('refuses paths a service could read differently: 400 before any routing, 404 when no rule serves', () => {
    for (const path of ['/api/orders/../readyz', '/api/%2e%2e/x', '/api/a%2Fb', '/api\\x', '//auth/login']) {
      expect([path, isAmbiguousPath(path)]).toEqual([path, true]);
      expect(() => resolveRoute(PUBLIC_ROUTES, 'GET', path)).toThrow(expect.objectContaining({ status: 400 }));
    }
    const notFound = (() => {
      try {
        resolveRoute(PUBLIC_ROUTES, 'GET', '/nowhere');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(notFound).toBeInstanceOf(HttpError);
    expect(notFound).toMatchObject({ status: 404, code: 'not_found' });
  });
});
