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

/** What a gateway does when it cannot reach the feed: keep serving with what it holds, or refuse tokens. */
export type RevocationFailMode = 'open' | 'closed';

/** How a verifier (the gateway) follows the issuer's revocation feed. */
export const revocationFollowerSettings = {
  revocationFeedSecret: revocationFeedSecretSetting,
  revocationFailMode: setting.oneOf('REVOCATION_FAIL_MODE', ['open', 'closed'] as const, {
    default: 'open',
    description:
      '`open`: while the feed is unreachable, keep refusing what is known and accept the rest (staleness in `/metrics` and `/readyz`, a warning in the log), so tokens keep working while the auth service is down. `closed`: once the list is older than `REVOCATION_MAX_STALENESS_SECONDS`, refuse every token (503) and report not ready.',
  }),
  revocationMaxStalenessSeconds: setting.integer('REVOCATION_MAX_STALENESS_SECONDS', {
    default: 30,
    min: 1,
    description:
      'How old the revocation list may get (the feed unanswered) before the gateway warns (`open`) or refuses tokens (`closed`).',
  }),
  revocationFeedWaitMs: setting.integer('REVOCATION_FEED_WAIT_MS', {
    default: 10_000,
    min: 100,
    max: 30_000,
    description:
      'How long one long poll waits on the auth service for a revocation; the auth service answers at once when one is made.',
  }),
  revocationResyncSeconds: setting.integer('REVOCATION_RESYNC_SECONDS', {
    default: 300,
    min: 1,
    description: 'How often the gateway fetches the whole revocation list again, replacing what it holds.',
  }),
};
