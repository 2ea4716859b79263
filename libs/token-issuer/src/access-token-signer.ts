import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE, subjectClaimsToPayload, type SubjectClaims } from '@jwt-msa/claims';
import type { SigningKey } from './signing-key';

export interface AccessTokenSignerOptions {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface SignedAccessToken {
  token: string;
  expiresIn: number;
  jti: string;
  /**
   * When it was signed, in milliseconds: its `iat` is this in whole seconds. The issuer keeps it
   * (per refresh family) so a revocation can say exactly which tokens it covers, which `iat`'s
   * one-second precision alone cannot.
   */
  issuedAtMs: number;
}

/**
 * Signs RS256 access tokens. The header carries only `alg`, `typ` and `kid`: never `jku`, `x5u`
 * or `jwk`, which would invite verifiers to trust a key named by the token itself.
 */
export class AccessTokenSigner {
  constructor(private readonly options: AccessTokenSignerOptions) {}

  sign(key: SigningKey, subject: SubjectClaims, issuedAtMs = Date.now()): SignedAccessToken {
    const jti = randomUUID();
    const iat = Math.floor(issuedAtMs / 1000);
    // jsonwebtoken takes `iat` from the payload when present and counts `expiresIn` from it.
    const token = jwt.sign({ ...subjectClaimsToPayload(subject), iat }, key.privateKey, {
      algorithm: ACCESS_TOKEN_ALGORITHM,
      keyid: key.kid,
      header: { alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE },
      issuer: this.options.issuer,
      audience: this.options.audience,
      subject: subject.sub,
      expiresIn: this.options.ttlSeconds,
      jwtid: jti,
    });
    return { token, expiresIn: this.options.ttlSeconds, jti, issuedAtMs };
  }
}
