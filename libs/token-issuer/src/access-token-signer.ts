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
}

/**
 * Signs RS256 access tokens. The header carries only `alg`, `typ` and `kid`: never `jku`, `x5u`
 * or `jwk`, which would invite verifiers to trust a key named by the token itself.
 */
export class AccessTokenSigner {
  constructor(private readonly options: AccessTokenSignerOptions) {}

  sign(key: SigningKey, subject: SubjectClaims): SignedAccessToken {
    const jti = randomUUID();
    const token = jwt.sign(subjectClaimsToPayload(subject), key.privateKey, {
      algorithm: ACCESS_TOKEN_ALGORITHM,
      keyid: key.kid,
      header: { alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE },
      issuer: this.options.issuer,
      audience: this.options.audience,
      subject: subject.sub,
      expiresIn: this.options.ttlSeconds,
      jwtid: jti,
    });
    return { token, expiresIn: this.options.ttlSeconds, jti };
  }
}
