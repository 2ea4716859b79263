import { DependencyError, UnauthorizedError } from '@jwt-msa/http-errors';

/** Why a token was refused; stable values, used in logs and metrics. */
export type RejectionReason =
  | 'missing_token'
  | 'malformed'
  | 'bad_type'
  | 'bad_algorithm'
  | 'forbidden_header'
  | 'unknown_kid'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'bad_issuer'
  | 'bad_audience'
  | 'bad_claims'
  /** Valid, but on the issuer's revocation list (logout, logout-all, reuse, admin). */
  | 'revoked';

const REALM = 'jwt-msa';

/**
 * 401 with the RFC 6750 challenge. A request without any token gets a bare challenge (§3.1: no
 * error code when the client sent no authentication); every other rejection says invalid_token.
 */
export class TokenRejectedError extends UnauthorizedError {
  readonly reason: RejectionReason;

  constructor(reason: RejectionReason, description: string) {
    const challenge =
      reason === 'missing_token'
        ? `Bearer realm="${REALM}"`
        : `Bearer realm="${REALM}", error="invalid_token", error_description="${description.replace(/["\\]/g, '')}"`;
    // A refused token is an expected answer, not a fault: its stack is never logged, and capturing
    // one cost ~9 µs for every forged or unknown-kid token of a flood (docs/benchmark.md).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(description, reason === 'missing_token' ? 'unauthorized' : 'invalid_token', {
        'WWW-Authenticate': challenge,
      });
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    this.reason = reason;
  }
}

/** The issuer's JWKS could not be fetched, so a token with a not-yet-cached kid cannot be checked. */
export class JwksUnavailableError extends DependencyError {
  constructor(detail: string) {
    super(`The token signing keys are unavailable: ${detail}`, 503, 'jwks_unavailable');
  }
}
