import type { IncomingMessage, ServerResponse } from 'node:http';
import { principalFromClaims, type Principal } from '@jwt-msa/claims';
import type { Authenticator } from '@jwt-msa/edge';
import { AccessTokenVerifier, TokenRejectedError } from '@jwt-msa/token-verifier';
import { RevocationListStaleError, type RevocationGuard } from './revocation-guard';

/**
 * The gateway's caller: whoever the `Authorization: Bearer` access token, verified here against
 * the issuer's keys alone and not on the revocation list held in memory, names. The list is
 * checked after the verifier, so a token from the verified-token cache is checked too. Each
 * verification's outcome is counted: 'ok', the rejection reason ('revoked' included), or 'error'
 * (the keys could not be had, or the revocation list is too old in closed mode).
 */
export function tokenAuthenticator(
  verifier: AccessTokenVerifier,
  revocations: RevocationGuard,
  onOutcome: (outcome: string) => void,
): Authenticator {
  return {
    async authenticate(req: IncomingMessage, res: ServerResponse): Promise<Principal> {
      try {
        const claims = await verifier.verify(AccessTokenVerifier.tokenFromAuthorization(req.headers.authorization));
        revocations.check(claims);
        onOutcome('ok');
        return principalFromClaims(claims);
      } catch (error) {
        const outcome =
          error instanceof TokenRejectedError
            ? error.reason
            : error instanceof RevocationListStaleError
              ? 'revocation_list_stale'
              : 'error';
        onOutcome(outcome);
        res.locals.rejection = outcome;
        throw error;
      }
    },
  };
}
