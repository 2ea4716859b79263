import { HttpError, UnauthorizedError } from '@jwt-msa/http-errors';

/** Same body for an unknown user and a wrong password: no user enumeration. */
export class InvalidCredentialsError extends UnauthorizedError {
  constructor() {
    super('Invalid username or password', 'invalid_credentials');
  }
}

/** One answer for unknown, expired, reused and revoked refresh tokens. */
export class InvalidRefreshTokenError extends UnauthorizedError {
  constructor() {
    super('The refresh token is invalid, expired or revoked', 'invalid_grant');
  }
}

/** 429 with Retry-After: too many failed logins for this account or from this client. */
export class TooManyAttemptsError extends HttpError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      429,
      'too_many_attempts',
      `Too many failed logins; try again in ${retryAfterSeconds} ${retryAfterSeconds === 1 ? 'second' : 'seconds'}`,
      {
        'Retry-After': String(retryAfterSeconds),
      },
    );
  }
}
