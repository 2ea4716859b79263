import express from 'express';
import request from 'supertest';
import {
  attachPrincipal,
  findClaimsProblem,
  identityHeadersFor,
  IS_ADMIN_CLAIM,
  principalFromClaims,
  principalFromHeaders,
  principalOf,
  principalOfUser,
  requireAuth,
  requireRole,
  stripIdentityHeaders,
  subjectClaimsToPayload,
  type AccessTokenClaims,
} from './index';

const claims: AccessTokenClaims = {
  iss: 'http://issuer',
  sub: 'u-1',
  aud: 'api',
  exp: 2_000_000_000,
  iat: 1_900_000_000,
  jti: 'j-1',
  ...subjectClaimsToPayload({ sub: 'u-1', username: 'alice', roles: ['user', 'admin'] }),
};

describe('access token claims', () => {
  it('derives the public is_admin claim from the roles', () => {
    expect(claims[IS_ADMIN_CLAIM]).toBe(true);
    expect(subjectClaimsToPayload({ sub: 'x', username: 'bob', roles: ['user'] })[IS_ADMIN_CLAIM]).toBe(false);
  });

  it.each([
    [{ ...claims }, undefined],
    [{ ...claims, sub: '' }, 'sub claim missing or not a string'],
    [{ ...claims, exp: '2000000000' }, 'exp claim missing or not a number'],
    [{ ...claims, roles: 'admin' }, 'roles claim is not an array of strings'],
    [{ ...claims, roles: { 0: 'admin' } }, 'roles claim is not an array of strings'],
    [{ ...claims, [IS_ADMIN_CLAIM]: 'true' }, 'is_admin claim missing or not a boolean'],
    [{ ...claims, nbf: '1900000000' }, 'nbf claim is not a number'],
    [[], 'payload is not a JSON object'],
  ])('checks claim types (%#)', (payload, problem) => {
    expect(findClaimsProblem(payload)).toBe(problem);
  });
});

describe('identity headers', () => {
  it('round-trips verified claims into a principal', () => {
    const principal = principalFromHeaders(identityHeadersFor(principalFromClaims(claims)));
    expect(principal).toEqual({
      userId: 'u-1',
      username: 'alice',
      roles: ['user', 'admin'],
      tokenId: 'j-1',
      tokenExpiresAt: 2_000_000_000,
      isAdmin: true,
    });
  });

  it('strips every identity header a client could send', () => {
    const headers = {
      'x-user-id': 'evil',
      'x-user-roles': 'admin',
      'x-token-id': 'x',
      'x-auth-user': 'y',
      accept: 'json',
    };
    stripIdentityHeaders(headers);
    expect(headers).toEqual({ accept: 'json' });
  });

  it('treats underscores like dashes, so X_User_Id cannot slip past the strip', () => {
    const headers = {
      x_user_id: 'evil',
      X_Token_Exp: '1',
      x_auth_user: 'y',
      'x-userid': 'not an identity header',
      accept: 'json',
    };
    stripIdentityHeaders(headers);
    expect(headers).toEqual({ 'x-userid': 'not an identity header', accept: 'json' });
  });

  it('builds the principal of verified claims (verify-token mode)', () => {
    expect(principalFromClaims(claims)).toEqual({
      userId: 'u-1',
      username: 'alice',
      roles: ['user', 'admin'],
      tokenId: 'j-1',
      tokenExpiresAt: 2_000_000_000,
      isAdmin: true,
    });
    expect(principalFromClaims({ ...claims, roles: ['user'] }).isAdmin).toBe(false);
  });

  it('carries the session id (sid) from the token to the headers and back', () => {
    const withSession = principalFromClaims({ ...claims, sid: 'family-1' });
    expect(withSession.sessionId).toBe('family-1');
    expect(identityHeadersFor(withSession)['x-token-sid']).toBe('family-1');
    expect(principalFromHeaders(identityHeadersFor(withSession))?.sessionId).toBe('family-1');
    expect(findClaimsProblem({ ...claims, sid: 42 })).toBe('sid claim is not a string');
    expect(() => principalFromHeaders({ 'x-user-id': 'a', 'x-token-sid': 's'.repeat(129) })).toThrow('malformed');
  });

  it('rejects repeated or malformed identity', () => {
    expect(principalFromHeaders({ 'x-user-id': ['a', 'b'] })).toBeUndefined();
    expect(() => principalFromHeaders({ 'x-user-id': 'a', 'x-user-roles': 'ad min' })).toThrow('malformed');
    expect(() => principalFromHeaders({ 'x-user-id': 'a', 'x-token-exp': 'soon' })).toThrow('malformed');
  });

  it('carries a principal on as the same headers an edge sets, token expiry included', () => {
    expect(identityHeadersFor(principalFromClaims(claims))).toEqual({
      'x-user-id': 'u-1',
      'x-user-name': 'alice',
      'x-user-roles': 'user,admin',
      'x-token-id': 'j-1',
      'x-token-exp': '2000000000',
    });
    expect(identityHeadersFor(principalOfUser({ sub: 'u-7', username: 'eve', roles: ['user'] }))).toEqual({
      'x-user-id': 'u-7',
      'x-user-name': 'eve',
      'x-user-roles': 'user',
    });
  });
});

describe('requireAuth / requireRole', () => {
  const app = express();
  app.use(attachPrincipal);
  app.get('/me', requireAuth(), (req, res) => {
    res.json({ userId: principalOf(res).userId });
  });
  app.get('/admin', requireRole('admin'), (_req, res) => {
    res.json({ ok: true });
  });
  app.use(
    (
      error: { status?: number; code?: string },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      res.status(error.status ?? 500).json({ error: error.code });
    },
  );

  it('answers 401 without identity', async () => {
    await request(app).get('/me').expect(401, { error: 'unauthorized' });
    await request(app).get('/admin').expect(401);
  });

  it('answers 403 without the role and 200 with it', async () => {
    await request(app).get('/me').set('x-user-id', 'u-2').expect(200, { userId: 'u-2' });
    await request(app).get('/admin').set('x-user-id', 'u-2').set('x-user-roles', 'user').expect(403);
    await request(app).get('/admin').set('x-user-id', 'u-3').set('x-user-roles', 'user,admin').expect(200);
  });

  it('answers 401 for malformed identity', async () => {
    await request(app)
      .get('/me')
      .set('x-user-id', 'u')
      .set('x-user-roles', 'a b')
      .expect(401, { error: 'invalid_identity' });
  });
});
