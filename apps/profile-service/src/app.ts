import type { Express } from 'express';
import type { Database } from '@jwt-msa/db';
import { createServiceApp, type Logger } from '@jwt-msa/service-defaults';
import type { ProfileConfig } from './config';
import { ProfileRepository } from './data-access/profile-repository';
import { Profiles } from './domain/profiles';
import { profileRoutes } from './routes/profile-routes';

export interface ProfileDependencies {
  config: ProfileConfig;
  db: Database;
  logger: Logger;
}

/** Wires the profile service; no I/O here (see main.ts for migrations and listen). */
export function createProfileApp({ config, db, logger }: ProfileDependencies): Express {
  const profiles = new Profiles(new ProfileRepository(db));
  return createServiceApp({
    service: 'profile-service',
    instanceId: config.instanceId,
    logger,
    bodyLimit: config.bodyLimit,
    readiness: { database: () => db.ping() },
    routes: (router) => {
      router.use(profileRoutes(profiles));
    },
  });
}
