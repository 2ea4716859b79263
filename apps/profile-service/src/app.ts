import type { Express } from 'express';
import type { Database } from '@jwt-msa/db';
import { createServiceApp, type Logger, type ServiceMetrics } from '@jwt-msa/service-defaults';
import { forwardedTokenIdentity } from '@jwt-msa/token-verifier';
import type { ProfileConfig } from './config';
import { ProfileRepository } from './data-access/profile-repository';
import { Profiles } from './domain/profiles';
import { profileRoutes } from './routes/profile-routes';

export interface ProfileDependencies {
  config: ProfileConfig;
  db: Database;
  logger: Logger;
  metrics?: ServiceMetrics;
}

/** Wires the profile service; no I/O here (see main.ts for migrations and listen). */
export function createProfileApp({ config, db, logger, metrics }: ProfileDependencies): Express {
  const profiles = new Profiles(new ProfileRepository(db));
  return createServiceApp({
    service: 'profile-service',
    instanceId: config.instanceId,
    logger,
    ...(metrics && { metrics }),
    bodyLimit: config.bodyLimit,
    // Defense in depth (VERIFY_FORWARDED_TOKEN): a request that reaches this service without the gateway cannot name its own caller.
    identity: forwardedTokenIdentity(config),
    readiness: { database: () => db.ping() },
    routes: (router) => {
      router.use(profileRoutes(profiles));
    },
  });
}
