import type { ServerResponse } from 'node:http';

/**
 * Errors that cross an HTTP boundary. Each has a stable machine-readable `code` and the status it
 * maps to; the one central error handler (service-defaults) turns them into
 * `{"error": code, "message": ...}` and never exposes a stack trace.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. WWW-Authenticate or Retry-After. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends HttpError {
  constructor(message: string) {
    super(400, 'invalid_request', message);
  }
}

export class UnauthorizedError extends HttpError {
  constructor(message = 'Authentication required', code = 'unauthorized', headers: Record<string, string> = {}) {
    super(401, code, message, headers);
  }
}

export class ForbiddenError extends HttpError {
  constructor(message = 'You do not have permission to do this') {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends HttpError {
  constructor(message = 'Not found') {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends HttpError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

export class UnprocessableError extends HttpError {
  constructor(message: string) {
    super(422, 'unprocessable', message);
  }
}

/** A dependency (database, another service) failed or did not answer in time. */
export class DependencyError extends HttpError {
  constructor(message: string, status: 502 | 503 | 504 = 503, code = 'dependency_unavailable') {
    super(status, code, message);
  }
}

export function isHttpError(error: unknown): error is HttpError {
  return error instanceof HttpError;
}

/** The body grew past the limit while it streamed (RFC 9110 §15.5.14). */
export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(413, 'body_too_large', `The request body is larger than ${limitBytes} bytes`);
  }
}

/** The body did not arrive in full in time (RFC 9110 §15.5.9): a slow sender holds no connection. */
export class BodyTimeoutError extends HttpError {
  constructor(timeoutMs: number) {
    super(408, 'body_timeout', `The request body did not arrive within ${timeoutMs} ms`);
  }
}

/**
 * Writes an error as every error is answered (`{"error": code, "message": ...}`) with plain
 * node:http calls, for code that runs before or without express (the body limit).
 */
export function writeHttpError(res: ServerResponse, error: HttpError, headers: Record<string, string> = {}): void {
  res.statusCode = error.status;
  for (const [name, value] of Object.entries({ ...error.headers, ...headers })) res.setHeader(name, value);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify({ error: error.code, message: error.message }));
}
