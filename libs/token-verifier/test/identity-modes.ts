import { createHmac, createPublicKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { AccessTokenSigner, generateSigningKey, type SigningKey } from '@jwt-msa/token-issuer';

/**
 * One contract for every domain service, in both identity modes:
 *
 * - default: the caller is whoever the gateway's identity headers say (the token is not read);
 * - VERIFY_FORWARDED_TOKEN=true: the caller is whoever the forwarded token, verified by the
 *   service against the issuer's JWKS (a real HTTP server here), says; identity headers are
 *   ignored, so they can neither add a caller nor override the token's.
 *
 * Each service supplies one probe request and what it answers for alice (role user), root (roles
 * user and admin) and an anonymous caller.
 */
export interface IdentityModeSubject {
  /** The service app with these settings added (e.g. the verify-token ones). */
  app(env: Record<string, string>): Express;
  /** Sends the probe with these headers; userId is whose data the service answered with, if any. */
  probe(app: Express, headers: Record<string, string>): Promise<Outcome>;
  expected: { alice: Outcome; root: Outcome; anonymous: Outcome };
}

export interface Outcome {
  status: number;
  userId?: string;
}

const ISSUER = 'http://issuer.test';
const AUDIENCE = 'jwt-msa-api';
const users = {
  alice: { sub: 'id-alice', username: 'alice', roles: ['user'] },
  root: { sub: 'id-root', username: 'root', roles: ['user', 'admin'] },
} as const;
type User = keyof typeof users;

const headersOf = (user: User): Record<string, string> => ({
  'x-user-id': users[user].sub,
  'x-user-name': users[user].username,
  'x-user-roles': users[user].roles.join(','),
  'x-token-id': 't-1',
});

export function describeIdentityModes(service: string, subject: () => IdentityModeSubject): void {
  let key: SigningKey;
  let foreignKey: SigningKey;
  let jwks: Server;
  let jwksFetches = 0;
  let headerMode: Express;
  let verifyMode: Express;
  const signer = () => new AccessTokenSigner({ issuer: ISSUER, audience: AUDIENCE, ttlSeconds: 60 });
  const tokenOf = (user: User, signingKey = key) =>
    signer().sign(signingKey, { ...users[user], roles: [...users[user].roles] }).token;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const check = async (app: () => Express, headers: Record<string, string>, expected: Outcome) => {
    const outcome = await subject().probe(app(), headers);
    expect(outcome).toEqual(expected);
  };

  beforeAll(async () => {
    [key, foreignKey] = await Promise.all([generateSigningKey(), generateSigningKey()]);
    jwks = createServer((_req, res) => {
      jwksFetches += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [key.publicJwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    headerMode = subject().app({});
    verifyMode = subject().app({
      VERIFY_FORWARDED_TOKEN: 'true',
      JWKS_URLS: jwksUrl,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
    });
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        jwks.closeAllConnections();
        jwks.close(() => resolve());
      }),
  );

  describe(`${service}: identity from the gateway's headers (default)`, () => {
    it('acts for the user the identity headers name', async () => {
      await check(() => headerMode, headersOf('alice'), subject().expected.alice);
      await check(() => headerMode, headersOf('root'), subject().expected.root);
    });

    it('does not read tokens: a bearer token alone identifies nobody', async () => {
      await check(() => headerMode, bearer(tokenOf('root')), subject().expected.anonymous);
    });
  });

  describe(`${service}: identity from the forwarded token, verified here (VERIFY_FORWARDED_TOKEN=true)`, () => {
    it('acts for the user the verified token names', async () => {
      await check(() => verifyMode, bearer(tokenOf('root')), subject().expected.root);
      await check(() => verifyMode, bearer(tokenOf('alice')), subject().expected.alice);
    });

    it('ignores identity headers that disagree with the token', async () => {
      await check(() => verifyMode, { ...headersOf('root'), ...bearer(tokenOf('alice')) }, subject().expected.alice);
    });

    it('ignores identity headers without a token', async () => {
      await check(() => verifyMode, headersOf('root'), subject().expected.anonymous);
    });

    const forged: Array<[string, () => string]> = [
      ['signed by a key outside the JWKS', () => tokenOf('root', foreignKey)],
      [
        'a foreign key under the issuer kid',
        () =>
          jwt.sign({ ...users.root, iss: ISSUER, aud: AUDIENCE }, foreignKey.privateKey, {
            algorithm: 'RS256',
            keyid: key.kid,
            header: { alg: 'RS256', typ: 'at+jwt' },
            expiresIn: 60,
          }),
      ],
      [
        'expired',
        () =>
          jwt.sign(
            { ...users.root, jti: 'j', 'https://jwt-msa.example.com/jwt_claims/is_admin': true },
            key.privateKey,
            {
              algorithm: 'RS256',
              keyid: key.kid,
              header: { alg: 'RS256', typ: 'at+jwt' },
              issuer: ISSUER,
              audience: AUDIENCE,
              expiresIn: -60,
            },
          ),
      ],
      [
        'for another audience',
        () =>
          new AccessTokenSigner({ issuer: ISSUER, audience: 'another-api', ttlSeconds: 60 }).sign(key, {
            ...users.root,
            roles: ['user', 'admin'],
          }).token,
      ],
      [
        'HS256 with the public key as the secret',
        () => {
          const input = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })).toString('base64url')}.${tokenOf('root').split('.')[1]}`;
          return `${input}.${createHmac(
            'sha256',
            createPublicKey(key.privateKey).export({ type: 'spki', format: 'pem' }),
          )
            .update(input)
            .digest('base64url')}`;
        },
      ],
      [
        'alg none',
        () =>
          `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: key.kid })).toString('base64url')}.${tokenOf('root').split('.')[1]}.`,
      ],
    ];
    it.each(forged)('answers 401 to a token %s, whatever the headers say', async (_name, token) => {
      const res = await subject().probe(verifyMode, { ...headersOf('root'), ...bearer(token()) });
      expect(res).toEqual({ status: 401 });
    });

    it("fetched the JWKS only to load it and once for the foreign key's unknown kid", () => {
      expect(jwksFetches).toBe(2);
    });
  });
}

/** Runs a supertest request and reduces it to an Outcome. */
export async function outcomeOf(
  test: request.Test,
  userIdOf: (body: Record<string, unknown>) => unknown = () => undefined,
): Promise<Outcome> {
  const res = await test;
  const userId = res.status < 300 ? userIdOf(res.body) : undefined;
  return typeof userId === 'string' ? { status: res.status, userId } : { status: res.status };
}
