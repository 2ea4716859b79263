import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { ACCESS_TOKEN_ALGORITHM } from '@jwt-msa/claims';

const generateKeyPairAsync = promisify(generateKeyPair);

export const MIN_RSA_MODULUS_BITS = 2048;

/** A private RSA signing key and the public JWK that verifiers find under its `kid`. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: PublicJwk;
}

export interface PublicJwk {
  kty: 'RSA';
  kid: string;
  use: 'sig';
  alg: typeof ACCESS_TOKEN_ALGORITHM;
  n: string;
  e: string;
}

export async function generateSigningKey(modulusLength = MIN_RSA_MODULUS_BITS): Promise<SigningKey> {
  if (modulusLength < MIN_RSA_MODULUS_BITS) throw new Error(`RSA keys must have at least ${MIN_RSA_MODULUS_BITS} bits`);
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength });
  return signingKeyFromPrivateKey(privateKey);
}

export function signingKeyFromPem(pem: string): SigningKey {
  return signingKeyFromPrivateKey(createPrivateKey(pem));
}

export function exportPrivateKeyPem(key: SigningKey): string {
  return key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function signingKeyFromPrivateKey(privateKey: KeyObject): SigningKey {
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error('signing keys must be RSA keys');
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_MODULUS_BITS)
    throw new Error(`RSA keys must have at least ${MIN_RSA_MODULUS_BITS} bits, got ${bits}`);
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string') throw new Error('could not export the RSA public key');
  const kid = jwkThumbprint(jwk.n, jwk.e);
  return Object.freeze({
    kid,
    privateKey,
    publicJwk: Object.freeze({ kty: 'RSA', kid, use: 'sig', alg: ACCESS_TOKEN_ALGORITHM, n: jwk.n, e: jwk.e }),
  });
}

/** RFC 7638 thumbprint: a kid derived from the key itself, stable across replicas and restarts. */
function jwkThumbprint(n: string, e: string): string {
  const canonical = JSON.stringify({ e, kty: 'RSA', n });
  return createHash('sha256').update(canonical).digest('base64url');
}
