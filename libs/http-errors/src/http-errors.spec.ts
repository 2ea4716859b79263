import {
  ConflictError,
  DependencyError,
  ForbiddenError,
  HttpError,
  isHttpError,
  UnauthorizedError,
  ValidationError,
} from './index';

describe('http errors', () => {
  it.each([
    [new ValidationError('bad'), 400, 'invalid_request'],
    [new UnauthorizedError(), 401, 'unauthorized'],
    [new ForbiddenError(), 403, 'forbidden'],
    [new ConflictError('taken'), 409, 'conflict'],
    [new DependencyError('db down'), 503, 'dependency_unavailable'],
  ])('%s maps to a stable status and code', (error, status, code) => {
    expect(isHttpError(error)).toBe(true);
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
  });

  it('keeps the subclass name for logs', () => {
    expect(new ForbiddenError().name).toBe('ForbiddenError');
    expect(isHttpError(new Error('plain'))).toBe(false);
  });
});
