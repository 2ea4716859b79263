import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE, findClaimsProblem, type AccessTokenClaims } from '@jwt-msa/claims';
import { TokenRejectedError } from './errors';
import { VerifiedTokenCache } from './verified-token-cache';

export interface KeyResolver {
  getKey(kid: string): Promise<KeyObject>;
  /** Lets a cache hit, which needs no key, still keep the key set fresh. */
  refreshIfStale?(): void;
}

export interface AccessTokenVerifierOptions {
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  keys: KeyResolver;
  /**
   * Tokens that passed every check, until their own `exp`: a hit skips the signature and claim
   * checks (never the caller's role policy, which is applied to the returned claims).
   */
  cache?: VerifiedTokenCache;
}

const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const KID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** Headers that point at keys or extensions; we never issue them and never honour them (RFC 8725 §3.4). */
const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'crit'];
/** RFC 9068 §4: `at+jwt`, or its media-type spelling. */
const ACCEPTED_TYPES = new Set([ACCESS_TOKEN_TYPE, `application/${ACCESS_TOKEN_TYPE}`]);

/**
 * Verifies access tokens per RFC 8725: one allowed algorithm, a required kid resolved only
 * through the issuer's JWKS, explicit token type, issuer and audience, and typed claims.
 *
 * jsonwebtoken is the authority on the signature and the time claims; the checks before it only
 * sort tokens that would fail anyway into stable reasons (it tells its failures apart by message
 * text alone, which is no contract), so whatever it still refuses is a bad signature.
 */
export class AccessTokenVerifier {
  constructor(private readonly options: AccessTokenVerifierOptions) {}

  /** Extracts the token from an `Authorization: Bearer` header value (RFC 6750 §2.1). */
  static tokenFromAuthorization(header: string | undefined): string {
    if (header === undefined || header.trim() === '') {
      throw new TokenRejectedError('missing_token', 'Missing bearer token');
    }
    const match = /^Bearer +([^ ]+) *$/i.exec(header);
    if (!match?.[1]) throw new TokenRejectedError('malformed', 'The Authorization header must be "Bearer <token>"');
    return match[1];
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    const cache = this.options.cache;
    if (!cache) return this.verifyFully(token);
    const key = VerifiedTokenCache.keyOf(token);
    const cached = cache.get(token, key);
    if (cached) {
      this.options.keys.refreshIfStale?.();
      return cached as AccessTokenClaims;
    }
    const claims = await this.verifyFully(token);
    cache.set(token, claims, key);
    return claims;
  }

  /**
   * One pass of jsonwebtoken, which decodes the token once: the header rules run in its key
   * callback (before any key is looked up), the claim contract on the payload it verified. A token
   * it refuses is explained by the same checks in their documented order (see `explainRejection`),
   * so every reason is what it would be if those checks had run first; only that path decodes twice.
   */
  private verifyFully(token: string): Promise<AccessTokenClaims> {
    if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
      return Promise.reject(new TokenRejectedError('malformed', 'The token is not a compact JWS'));
    }
    return new Promise<AccessTokenClaims>((resolve, reject) => {
      const refuse = (error: unknown) => reject(explainRejection(token, error, this.options));
      try {
        jwt.verify(
          token,
          (header, deliverKey) => {
            // Throws out of jwt.verify (a synchronous call here) for a header that breaks the rules.
            const kid = checkHeader(header as unknown as Record<string, unknown>);
            this.options.keys.getKey(kid).then(
              (key) => deliverKey(null, key),
              (error: unknown) => refuse(error),
            );
          },
          {
            algorithms: [ACCESS_TOKEN_ALGORITHM],
            issuer: this.options.issuer,
            audience: this.options.audience,
            clockTolerance: this.options.clockToleranceSeconds,
          },
          (error, payload) => {
            if (error) return refuse(error);
            try {
              checkContract(payload, this.options);
              resolve(payload as AccessTokenClaims);
            } catch (problem) {
              refuse(problem);
            }
          },
        );
      } catch (error) {
        refuse(error);
      }
    });
  }
}

/**
 * Why a token was refused, in the order of the checks: decodable, header rules, claim contract
 * (all of them before the key and the signature, so a token that breaks a rule gets that rule's
 * reason whatever its signature), then what failed later: the key lookup's own error (unknown
 * kid, JWKS unavailable), or jsonwebtoken's verdict on the signature and time claims.
 */
function explainRejection(token: string, failure: unknown, expected: { issuer: string; audience: string }): unknown {
  try {
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') {
      throw new TokenRejectedError('malformed', 'The token cannot be decoded');
    }
    checkHeader(decoded.header as unknown as Record<string, unknown>);
    checkContract(decoded.payload, expected);
  } catch (error) {
    return error;
  }
  return failure instanceof jwt.JsonWebTokenError ? rejectionFor(failure) : failure;
}

/** The header rules of RFC 8725 §3.1, §3.4 and §3.11; returns the kid to look up. */
function checkHeader(header: Record<string, unknown>): string {
  if (header['alg'] !== ACCESS_TOKEN_ALGORITHM) {
    throw new TokenRejectedError('bad_algorithm', `Algorithm ${String(header['alg'])} is not allowed`);
  }
  if (typeof header['typ'] !== 'string' || !ACCEPTED_TYPES.has(header['typ'].toLowerCase())) {
    throw new TokenRejectedError('bad_type', 'The token is not an access token');
  }
  const forbidden = FORBIDDEN_HEADERS.find((name) => name in header);
  if (forbidden) throw new TokenRejectedError('forbidden_header', `The "${forbidden}" header is not accepted`);
  const kid = header['kid'];
  if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) {
    throw new TokenRejectedError('unknown_kid', 'The token has no valid kid');
  }
  return kid;
}

/** Claim types, issuer (RFC 7519 §4.1.1) and audience (§4.1.3: `aud` is a string or an array of them). */
function checkContract(payload: unknown, expected: { issuer: string; audience: string }): void {
  const problem = findClaimsProblem(payload);
  if (problem) throw new TokenRejectedError('bad_claims', `Invalid claims: ${problem}`);
  const { iss, aud } = payload as { iss?: unknown; aud?: unknown };
  if (iss !== expected.issuer) {
    throw new TokenRejectedError('bad_issuer', 'The token was issued by an untrusted issuer');
  }
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(expected.audience)) {
    throw new TokenRejectedError('bad_audience', 'The token is not meant for this API');
  }
}

/** jsonwebtoken's error classes, after every check above passed: expired, not yet valid, or a bad signature. */
function rejectionFor(error: unknown): unknown {
  if (error instanceof jwt.TokenExpiredError) return new TokenRejectedError('expired', 'The token has expired');
  if (error instanceof jwt.NotBeforeError) return new TokenRejectedError('not_yet_valid', 'The token is not valid yet');
  if (error instanceof jwt.JsonWebTokenError) {
    return new TokenRejectedError('bad_signature', 'The token signature is invalid');
  }
  return error;
}
