import { principalOfUser, type Principal } from '@jwt-msa/claims';
import type { Authenticator } from '@jwt-msa/edge';
import { UnauthorizedError } from '@jwt-msa/http-errors';
import type { Sessions } from './domain/sessions';

/** The session gateway's caller: whoever the session named by the `sid` cookie belongs to, looked up in the store. */
export function sessionAuthenticator(sessions: Sessions): Authenticator {
  return {
    async authenticate(_req, res): Promise<Principal> {
      const id = res.locals.sessionId;
      if (id === undefined) throw new UnauthorizedError('No session: log in at POST /session/login', 'no_session');
      const user = await sessions.userOf(id);
      if (!user) throw new UnauthorizedError('The session is unknown or over: log in again', 'unknown_session');
      return principalOfUser(user);
    },
  };
}
