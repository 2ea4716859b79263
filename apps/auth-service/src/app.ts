import { Router } from 'express';
import { dataService } from '@jwt-msa/service-defaults';
import { AccessTokenSigner } from '@jwt-msa/token-issuer';
import { authBackground } from './background';
import { adminCredentials, authSettings } from './config';
import { GrantStore } from './data-access/grant-store';
import { databaseKeySource, fileKeySource } from './data-access/key-sources';
import { LoginThrottleRepository } from './data-access/login-throttle-repository';
import { authMigrations } from './data-access/migrations';
import { SigningKeyRepository } from './data-access/signing-key-repository';
import { UserRepository } from './data-access/user-repository';
import { Accounts } from './domain/accounts';
import { KeyRing } from './domain/key-ring';
import { LoginThrottle } from './domain/login-throttle';
import { PasswordHasher } from './domain/password-hasher';
import { RevocationFeed } from './domain/revocation-feed';
import { Revocations } from './domain/revocations';
import { TokenGrants } from './domain/token-grants';
import { adminRoutes } from './routes/admin-routes';
import { authRoutes } from './routes/auth-routes';
import { credentialsCheckRoutes } from './routes/credentials-check-routes';
import { discoveryRoutes } from './routes/discovery-routes';
import { revocationFeedRoutes } from './routes/revocation-feed-routes';

/**
 * The issuer: users, login, refresh-token rotation, the JWKS. Before it listens it loads (or, the
 * very first time, creates) its signing keys and ensures the bootstrap admin; while it serves, it
 * reloads its keys (rotation without restarts) and prunes login counters.
 */
export const authService = dataService({
  name: 'auth-service',
  settings: authSettings,
  migrations: authMigrations,
  wire: ({ config, db, logger }) => {
    const admin = adminCredentials(config);
    const keys = new KeyRing(
      config.signingKeyFile
        ? fileKeySource(config.signingKeyFile)
        : databaseKeySource(new SigningKeyRepository(db), config.signingKeyBits),
    );
    const accounts = new Accounts(new UserRepository(db), new PasswordHasher(config.scryptCost));
    const signer = new AccessTokenSigner({
      issuer: config.issuer,
      audience: config.audience,
      ttlSeconds: config.accessTokenTtlSeconds,
    });
    const feed = new RevocationFeed(db, config.revocationFeedPollMs);
    const grants = new TokenGrants(new GrantStore(db), signer, keys, {
      refreshTtlSeconds: config.refreshTokenTtlSeconds,
      revocations: new Revocations({
        accessTokenTtlSeconds: config.accessTokenTtlSeconds,
        retentionMarginSeconds: config.revocationRetentionMarginSeconds,
      }),
      onRevoked: feed.appended,
    });
    const throttle = new LoginThrottle(new LoginThrottleRepository(db), {
      windowSeconds: config.loginThrottleWindowSeconds,
      accountAttempts: config.loginThrottleAccountAttempts,
      clientAttempts: config.loginThrottleClientAttempts,
      baseDelaySeconds: config.loginThrottleBaseDelaySeconds,
      maxDelaySeconds: config.loginThrottleMaxDelaySeconds,
    });
    const background = authBackground({ keys, throttle, db, feed, keyReloadMs: config.signingKeyReloadMs, logger });

    return {
      routes: Router().use(
        discoveryRoutes(keys, config.issuer, config.jwksMaxAgeSeconds),
        authRoutes(accounts, grants, throttle, {
          trustedProxyHops: config.trustedProxyHops,
          keys,
          issuer: config.issuer,
          audience: config.audience,
        }),
        adminRoutes(accounts, grants),
        credentialsCheckRoutes(accounts, throttle, {
          secret: config.credentialsCheckSecret,
          trustedProxyHops: config.trustedProxyHops,
        }),
        revocationFeedRoutes(feed, config.revocationFeedSecret),
      ),
      readiness: {
        signingKeys: async () => {
          if (!keys.isLoaded) throw new Error('signing keys not loaded');
        },
      },
      prepare: async () => {
        const { created } = await keys.load();
        if (created) {
          // Fine for development and for a single trusted database; production mounts a key (SIGNING_KEY_FILE).
          logger.warn(
            { kid: keys.signingKey().kid },
            'GENERATED a signing key and stored it in the auth database; set SIGNING_KEY_FILE to use a key from a secret',
          );
        } else {
          logger.info({ kid: keys.signingKey().kid, source: keys.description }, 'loaded signing keys');
        }
        if (!config.revocationFeedSecret) {
          logger.warn(
            'REVOCATION_FEED_SECRET is not set: no gateway can follow the revocation feed, so logout does not reach access tokens',
          );
        }
        if (admin) {
          await accounts.ensureAdmin(admin.username, admin.password);
          logger.info({ username: admin.username }, 'admin user ensured');
        }
      },
      background: [background],
      // Gateways' long polls would otherwise hold the shutdown for up to their wait; they ask another replica.
      onDrain: () => feed.stop(),
      keys,
      accounts,
      throttle,
      grants,
    };
  },
});

/** One replica of the issuer, as tests build it: the app and the parts it was wired from. */
export type AuthApp = ReturnType<typeof authService.createApp>;
