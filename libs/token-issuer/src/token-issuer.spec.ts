import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { IS_ADMIN_CLAIM } from '@jwt-msa/claims';
import {
  AccessTokenSigner,
  exportPrivateKeyPem,
  generateSigningKey,
  signingKeyFromPem,
  type SigningKey,
} from './index';

let key: SigningKey;
beforeAll(async () => {
  key = await generateSigningKey();
});

describe('signing keys', () => {
  it('publishes only public RSA parameters, with a thumbprint kid', () => {
    expect(Object.keys(key.publicJwk).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(key.publicJwk).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: key.kid });
    expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('survives a PEM round trip with the same kid', () => {
    expect(signingKeyFromPem(exportPrivateKeyPem(key)).kid).toBe(key.kid);
  });

  it('refuses RSA keys under 2048 bits and non-RSA keys', async () => {
    await expect(generateSigningKey(1024)).rejects.toThrow('at least 2048');
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect(() => signingKeyFromPem(weak.toString())).toThrow('at least 2048 bits, got 1024');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(() => signingKeyFromPem(ec.toString())).toThrow('must be RSA');
  });
});

describe('AccessTokenSigner', () => {
  it('signs an RS256 at+jwt with all three kinds of claims and no key-location headers', () => {
    const signer = new AccessTokenSigner({ issuer: 'http://issuer.test', audience: 'api', ttlSeconds: 900 });
    const { token, expiresIn, jti } = signer.sign(key, { sub: 'user-1', username: 'alice', roles: ['user'] });
    expect(expiresIn).toBe(900);
    const decoded = jwt.verify(token, createPublicKey(key.privateKey), { algorithms: ['RS256'], complete: true });
    expect(decoded.header).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: key.kid });
    const payload = decoded.payload as jwt.JwtPayload;
    expect(payload).toMatchObject({
      iss: 'http://issuer.test',
      aud: 'api',
      sub: 'user-1',
      jti,
      username: 'alice',
      roles: ['user'],
      [IS_ADMIN_CLAIM]: false,
    });
    expect(payload.exp! - payload.iat!).toBe(900);
  });
});
