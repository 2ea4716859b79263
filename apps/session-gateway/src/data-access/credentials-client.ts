import { DependencyError, HttpError, UnauthorizedError, ValidationError } from '@jwt-msa/http-errors';
import type { Replica, UpstreamPool } from '@jwt-msa/upstreams';
import type { SessionUser } from '../domain/session';

/** The auth service's internal credentials check (apps/auth-service, credentials-check-routes). */
const CREDENTIALS_CHECK_PATH = '/internal/credentials/check';

export interface CredentialsCheck {
  username: string;
  password: string;
  /** The X-Forwarded-For the auth service sees: the client's chain with the peer this gateway accepted appended. */
  forwardedFor: string;
  requestId: string;
}

function isSessionUser(value: unknown): value is SessionUser {
  const user = value as SessionUser;
  return (
    typeof user?.sub === 'string' &&
    typeof user.username === 'string' &&
    Array.isArray(user.roles) &&
    user.roles.every((role) => typeof role === 'string')
  );
}

/**
 * Asks an auth replica whose credentials these are. A replica that refuses the connection is
 * ejected and the check tried once on another (the request never reached it, so nothing was
 * counted twice); the auth service's own answers (401, 429 with Retry-After, 400) pass through.
 */
export class CredentialsClient {
  constructor(
    private readonly pool: UpstreamPool,
    private readonly secret: string,
    private readonly timeoutMs: number,
  ) {}

  async check(request: CredentialsCheck): Promise<SessionUser> {
    if (!this.pool.isReady) await this.pool.ready();
    const tried: Replica[] = [];
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const replica = this.pool.pick(tried);
      if (!replica) break;
      tried.push(replica);
      let response: Response;
      try {
        response = await fetch(`${replica.url}${CREDENTIALS_CHECK_PATH}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${this.secret}`,
            'content-type': 'application/json',
            'x-forwarded-for': request.forwardedFor,
            'x-request-id': request.requestId,
          },
          body: JSON.stringify({ username: request.username, password: request.password }),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        if ((error as Error).name === 'TimeoutError') {
          throw new DependencyError('The auth service did not answer in time', 504, 'upstream_timeout');
        }
        this.pool.eject(replica);
        continue;
      }
      return answerOf(response);
    }
    throw new DependencyError('The auth service is unavailable', 503, 'upstream_unavailable');
  }
}

async function answerOf(response: Response): Promise<SessionUser> {
  const body = (await response.json().catch(() => undefined)) as { message?: unknown } | undefined;
  const message = typeof body?.message === 'string' ? body.message : undefined;
  if (response.status === 200 && isSessionUser(body)) {
    return { sub: body.sub, username: body.username, roles: [...body.roles] };
  }
  if (response.status === 401 && (body as { error?: unknown })?.error === 'invalid_credentials') {
    throw new UnauthorizedError('Invalid username or password', 'invalid_credentials');
  }
  if (response.status === 400) throw new ValidationError(message ?? 'The login request is not valid');
  if (response.status === 429) {
    throw new HttpError(429, 'too_many_attempts', message ?? 'Too many failed logins', {
      'Retry-After': response.headers.get('retry-after') ?? '1',
    });
  }
  // Anything else (a 401 for this gateway's secret, a 5xx) is the deployment's fault, not the user's.
  throw new DependencyError('The auth service refused the credentials check', 502, 'credentials_check_failed');
}
