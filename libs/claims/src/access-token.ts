/**
 * The access-token contract shared by the issuer (auth-service) and every verifier (gateway,
 * services in verify-token mode). It shows the three kinds of JWT claims from RFC 7519 §4:
 * registered (iss, sub, aud, exp, iat, jti), public (a collision-resistant URI name) and private
 * (names agreed between the parties: username, roles).
 */

/** RFC 9068 `typ` header: marks a JWT as an access token, so no other JWT can be replayed as one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** The only signing algorithm issued and accepted. */
export const ACCESS_TOKEN_ALGORITHM = 'RS256';

/** Public claim: URI-named so it cannot collide with anyone else's claim (RFC 7519 §4.2). */
export const IS_ADMIN_CLAIM = 'https://jwt-msa.example.com/jwt_claims/is_admin';

export const ADMIN_ROLE = 'admin';
export const USER_ROLE = 'user';

export interface AccessTokenClaims {
  // registered
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  nbf?: number;
  /**
   * The refresh-token family (one login) the token was issued from: the OpenID Connect session id
   * claim (IANA JWT claims registry). One revocation entry by `sid` covers every access token of a
   * login, however often it was refreshed. Absent only in tokens issued before it existed.
   */
  sid?: string;
  // public
  [IS_ADMIN_CLAIM]: boolean;
  // private
  username: string;
  roles: string[];
}

/** Claims the issuer chooses per user; the registered ones are filled in by the signer. */
export interface SubjectClaims {
  sub: string;
  username: string;
  roles: string[];
  /** The refresh-token family this token is issued from (the `sid` claim). */
  sid?: string;
}

export function subjectClaimsToPayload(
  subject: SubjectClaims,
): Omit<AccessTokenClaims, 'iss' | 'sub' | 'aud' | 'exp' | 'iat' | 'jti' | 'nbf'> {
  return {
    ...(subject.sid !== undefined && { sid: subject.sid }),
    [IS_ADMIN_CLAIM]: subject.roles.includes(ADMIN_ROLE),
    username: subject.username,
    roles: [...subject.roles],
  };
}

/**
 * Checks the claim types a verifier relies on, after the signature and the registered-claim
 * checks of the JWT library passed. Returns a description of the first problem, or undefined.
 */
export function findClaimsProblem(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'payload is not a JSON object';
  const claims = payload as Record<string, unknown>;
  if (typeof claims['sub'] !== 'string' || claims['sub'] === '') return 'sub claim missing or not a string';
  if (typeof claims['exp'] !== 'number' || !Number.isFinite(claims['exp'])) return 'exp claim missing or not a number';
  if (typeof claims['iat'] !== 'number' || !Number.isFinite(claims['iat'])) return 'iat claim missing or not a number';
  if (claims['nbf'] !== undefined && (typeof claims['nbf'] !== 'number' || !Number.isFinite(claims['nbf']))) {
    return 'nbf claim is not a number';
  }
  if (typeof claims['jti'] !== 'string' || claims['jti'] === '') return 'jti claim missing or not a string';
  if (claims['sid'] !== undefined && (typeof claims['sid'] !== 'string' || claims['sid'] === '')) {
    return 'sid claim is not a string';
  }
  if (typeof claims['username'] !== 'string') return 'username claim missing or not a string';
  const roles = claims['roles'];
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string'))
    return 'roles claim is not an array of strings';
  if (typeof claims[IS_ADMIN_CLAIM] !== 'boolean') return 'is_admin claim missing or not a boolean';
  return undefined;
}
