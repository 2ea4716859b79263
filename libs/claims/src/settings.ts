import { setting } from '@jwt-msa/config';

/**
 * The token contract between the issuer and every verifier: who issues (`iss`) and for whom
 * (`aud`). Declared once: the auth service signs with these values, and the gateway and the domain
 * services in verify-token mode require them (RFC 7519 §4.1.1, §4.1.3).
 */
export const tokenContractSettings = {
  issuer: setting.url('JWT_ISSUER', {
    default: 'http://localhost:8080',
    description:
      'The token issuer (`iss`): the public base URL of the system (the gateway), under which `/.well-known/*` is served. The auth service signs with it; every verifier requires it.',
  }),
  audience: setting.string('JWT_AUDIENCE', {
    default: 'jwt-msa-api',
    description: 'The API audience (`aud`): written into every access token, required by every verifier.',
  }),
};
