import { base64UrlToBytes } from './base64url';
import { decodeToken, type JsonObject } from './jwt';

export interface Jwk {
  kty?: string;
  kid?: string;
  use?: string;
  alg?: string;
  n?: string;
  e?: string;
}
export interface Jwks {
  keys: Jwk[];
}

export interface MatchedKey {
  kid: string;
  modulusBits: number;
}

export interface SignatureCheck {
  /** True only when an RS256 signature was checked against a key of the system's JWKS and holds. */
  valid: boolean;
  /** One line: "signature valid" or why not. */
  summary: string;
  kid: string | undefined;
  key: MatchedKey | undefined;
  alg: unknown;
  /** Things a learner should notice (alg none, expired, key-URL headers that were ignored). */
  warnings: string[];
}

/** Headers that name a key or a key URL: a verifier must never take its key from the token itself (RFC 8725 §3.4). */
const KEY_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;
const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** RSA modulus length in bits (leading zero bytes of the big-endian integer do not count). */
export function modulusBits(n: string): number {
  const bytes = base64UrlToBytes(n);
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start += 1;
  if (start === bytes.length) return 0;
  return (bytes.length - start - 1) * 8 + (32 - Math.clz32(bytes[start]!));
}

function warningsFor(header: JsonObject, payload: JsonObject, nowSeconds: number): string[] {
  const warnings: string[] = [];
  const alg = header['alg'];
  if (typeof alg === 'string' && alg.toLowerCase() === 'none')
    warnings.push('alg is "none": the token is unsigned, so anybody could have written it. Never accept it.');
  const typ = header['typ'];
  if (typeof typ !== 'string' || !['at+jwt', 'application/at+jwt'].includes(typ.toLowerCase()))
    warnings.push(
      `typ is ${JSON.stringify(typ)}, not "at+jwt": not an access token (RFC 9068), so the gateway refuses it.`,
    );
  const exp = payload['exp'];
  if (typeof exp === 'number' && exp <= nowSeconds)
    warnings.push('The token has expired (exp is in the past): verifiers must refuse it even with a valid signature.');
  const nbf = payload['nbf'];
  if (typeof nbf === 'number' && nbf > nowSeconds) warnings.push('The token is not valid yet (nbf is in the future).');
  for (const name of KEY_HEADERS)
    if (name in header)
      warnings.push(`The header carries "${name}": ignored. Keys come only from the system's own JWKS.`);
  return warnings;
}

/**
 * Checks a token's RS256 signature with WebCrypto against the given JWKS (the system's own,
 * fetched from the configured URL by the caller). Never fetches anything, so no key URL from the
 * token can ever be followed.
 */
export async function verifySignature(
  token: string,
  jwks: Jwks,
  subtle: SubtleCrypto | null = globalThis.crypto?.subtle ?? null,
  nowSeconds = Date.now() / 1000,
): Promise<SignatureCheck> {
  const decoded = decodeToken(token);
  if (!decoded.ok)
    return {
      valid: false,
      summary: `Cannot check: ${decoded.error}`,
      kid: undefined,
      key: undefined,
      alg: undefined,
      warnings: [],
    };
  const { header, payload, parts, signature } = decoded.token;
  const kid = typeof header['kid'] === 'string' ? header['kid'] : undefined;
  const alg = header['alg'];
  const result = (valid: boolean, summary: string, key?: MatchedKey): SignatureCheck => ({
    valid,
    summary,
    kid,
    key,
    alg,
    warnings: warningsFor(header, payload, nowSeconds),
  });

  if (typeof alg === 'string' && alg.toLowerCase() === 'none')
    return result(false, 'Not signed (alg: none): nothing to verify');
  if (alg !== 'RS256') return result(false, `Algorithm ${JSON.stringify(alg)} is not RS256: refused, not checked`);
  if (!kid) return result(false, 'The header has no kid, so no key of the JWKS can be chosen');
  const jwk = jwks.keys.find((key) => key.kid === kid);
  if (!jwk) return result(false, `No key with kid "${kid}" in the system's JWKS`);
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) return result(false, `The JWKS key "${kid}" is not an RSA public key`);
  let bits: number;
  try {
    bits = modulusBits(jwk.n);
  } catch {
    return result(false, `The JWKS key "${kid}" has an unreadable modulus`);
  }
  const matched: MatchedKey = { kid, modulusBits: bits };
  if (parts.signature === '') return result(false, 'The signature part is empty', matched);
  if (!subtle)
    return result(
      false,
      'This browser offers no WebCrypto here (it needs HTTPS or localhost), so the signature cannot be checked',
      matched,
    );
  try {
    const key = await subtle.importKey(
      'jwk',
      { kty: 'RSA', n: jwk.n, e: jwk.e, alg: 'RS256', ext: true },
      RS256,
      false,
      ['verify'],
    );
    const signed = new TextEncoder().encode(`${parts.header}.${parts.payload}`);
    const ok = await subtle.verify(RS256, key, signature, signed);
    return ok
      ? result(true, 'Signature valid', matched)
      : result(false, 'Signature invalid: header or payload changed after signing, or another key signed it', matched);
  } catch (error) {
    return result(false, `The signature could not be checked: ${(error as Error).message}`, matched);
  }
}
