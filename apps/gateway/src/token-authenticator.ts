import type { IncomingMessage } from 'node:http';
import { principalFromClaims, type Principal } from '@jwt-msa/claims';
import type { Authenticator } from '@jwt-msa/edge';
import { AccessTokenVerifier, TokenRejectedError } from '@jwt-msa/token-verifier';

/**
 * The gateway's caller: whoever the `Authorization: Bearer` access token, verified here against
 * the issuer's keys alone, names. Each verification's outcome is counted: 'ok', the rejection
 * reason, or 'error' (the keys could not be had).
 */
export function tokenAuthenticator(verifier: AccessTokenVerifier, onOutcome: (outcome: string) => void): Authenticator {
  return {
    async authenticate(req: IncomingMessage): Promise<Principal> {
      try {
        const claims = await verifier.verify(AccessTokenVerifier.tokenFromAuthorization(req.headers.authorization));
        onOutcome('ok');
        return principalFromClaims(claims);
      } catch (error) {
        onOutcome(error instanceof TokenRejectedError ? error.reason : 'error');
        throw error;
      }
    },
  };
}
