import { setting } from '@jwt-msa/config';

/** Shortest feed secret accepted: 32 characters of a random string (e.g. `openssl rand -base64 32`). */
export const MIN_FEED_SECRET_LENGTH = 32;

/**
 * The secret the issuer's revocation feed and every gateway share: declared once, so both sides
 * document and check it the same way.
 */
export const revocationFeedSecretSetting = setting.string('REVOCATION_FEED_SECRET', {
  default: '',
  defaultLabel: '(unset: no feed, logout does not reach access tokens)',
  secret: true,
  pattern: new RegExp(`^(|.{${MIN_FEED_SECRET_LENGTH},})$`),
  description: `Shared by the auth service and every gateway (at least ${MIN_FEED_SECRET_LENGTH} characters): the gateways read the revocation feed with it (\`Authorization: Bearer\`). \`npm start\` generates one.`,
});
