import type { Express } from 'express';
import { Database } from '@jwt-msa/db';
import { createServiceApp, type Logger, type ServiceMetrics } from '@jwt-msa/service-defaults';
import { AccessTokenSigner } from '@jwt-msa/token-issuer';
import { authBackground, type Background } from './background';
import type { AuthConfig } from './config';
import { databaseKeySource, fileKeySource } from './data-access/key-sources';
import { LoginThrottleRepository } from './data-access/login-throttle-repository';
import { SigningKeyRepository } from './data-access/signing-key-repository';
import { UserRepository } from './data-access/user-repository';
import { Accounts } from './domain/accounts';
import { KeyRing } from './domain/key-ring';
import { LoginThrottle } from './domain/login-throttle';
import { PasswordHasher } from './domain/password-hasher';
import { TokenGrants } from './domain/token-grants';
import { authRoutes } from './routes/auth-routes';
import { discoveryRoutes } from './routes/discovery-routes';

export interface AuthDependencies {
  config: AuthConfig;
  db: Database;
  logger: Logger;
  metrics?: ServiceMetrics;
}

export interface AuthApp {
  app: Express;
  keys: KeyRing;
  accounts: Accounts;
  throttle: LoginThrottle;
  /** Periodic work: key reloads (rotation without restarts) and pruning of login counters. */
  background: Background;
}

/** Wires the issuer; no I/O here (see main.ts for keys, migrations and listen). */
export function createAuthApp({ config, db, logger, metrics }: AuthDependencies): AuthApp {
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
  const grants = new TokenGrants(db, signer, keys, config.refreshTokenTtlSeconds);
  const throttle = new LoginThrottle(new LoginThrottleRepository(db), {
    windowSeconds: config.loginThrottleWindowSeconds,
    accountAttempts: config.loginThrottleAccountAttempts,
    clientAttempts: config.loginThrottleClientAttempts,
    baseDelaySeconds: config.loginThrottleBaseDelaySeconds,
    maxDelaySeconds: config.loginThrottleMaxDelaySeconds,
  });

  const app = createServiceApp({
    service: 'auth-service',
    instanceId: config.instanceId,
    logger,
    ...(metrics && { metrics }),
    bodyLimit: config.bodyLimit,
    readiness: {
      database: () => db.ping(),
      signingKeys: async () => {
        if (!keys.isLoaded) throw new Error('signing keys not loaded');
      },
    },
    routes: (router) => {
      router.use(discoveryRoutes(keys, config.issuer, config.jwksMaxAgeSeconds));
      router.use(authRoutes(accounts, grants, throttle));
    },
  });
  const background = authBackground({ keys, throttle, keyReloadMs: config.signingKeyReloadMs, logger });
  return { app, keys, accounts, throttle, background };
}
