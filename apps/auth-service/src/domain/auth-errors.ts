import { UnauthorizedError } from '@jwt-msa/http-errors';

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
