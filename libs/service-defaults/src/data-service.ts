import type { RequestHandler, Router } from 'express';
import { loadConfig, type ConfigOf, type Schema } from '@jwt-msa/config';
import { databaseFromConfig, databaseSettings, runMigrations, type Database, type Migration } from '@jwt-msa/db';
import type { ReadinessCheck } from './health';
import type { Logger } from './logger';
import { ServiceMetrics } from './metrics';
import type { Background } from './run-service';
import { createDomainServiceApp, type ServiceApp } from './service-app';
import { serviceSettings } from './settings';
import type { ServiceDefinition } from './start-service';

/** How a data service learns who its caller is, beyond the edge's identity headers (the default). */
export interface IdentityMode<S extends Schema> {
  readonly settings: S;
  /** The identity middleware for this configuration; undefined = the edge's identity headers. */
  middleware(config: ConfigOf<S>): RequestHandler | undefined;
}

export type DataServiceConfig<S extends Schema, I extends Schema> = ConfigOf<typeof serviceSettings> &
  ConfigOf<typeof databaseSettings> &
  ConfigOf<I> &
  ConfigOf<S>;

export interface DataServiceContext<C> {
  readonly config: C;
  readonly db: Database;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics | undefined;
}

/** What a data service adds to the template: its routes, and what else a replica needs. */
export interface DataServiceWiring {
  /** The service's own routes (adapt and delegate). */
  routes: Router;
  /** Readiness beyond the database's, which every data service has. */
  readiness?: Record<string, ReadinessCheck>;
  /** I/O after migrations and before listening (the issuer loads its signing keys here). */
  prepare?: () => Promise<void>;
  /** Started once listening, stopped first on shutdown. */
  background?: readonly Background[];
  /** When the replica begins draining: end what would hold requests open (long polls). */
  onDrain?: () => void;
}

export interface DataServiceDefinition<S extends Schema, I extends Schema, W extends DataServiceWiring> {
  /** Written once: X-Served-By, logs, metrics and the database's application_name use it. */
  name: string;
  /** The service's own settings, beyond every service's, the database's and the identity mode's. */
  settings?: S;
  migrations: readonly Migration[];
  /** Default: the caller is whoever the edge's identity headers say. */
  identity?: IdentityMode<I>;
  /** Builds the service's parts from its dependencies; no I/O. */
  wire(context: DataServiceContext<DataServiceConfig<S, I>>): W;
}

/** A running app of a data service, with the parts its wiring built (tests reach them here). */
export interface DataServiceInstance<W> extends ServiceApp {
  readonly wiring: W;
}

export interface DataService<C extends DataServiceConfig<Schema, Schema>, W> extends ServiceDefinition<C> {
  readonly schema: Schema;
  /** The app with its dependencies and no I/O, so tests drive it with supertest. */
  createApp(context: { config: C; db: Database; logger: Logger; metrics?: ServiceMetrics }): DataServiceInstance<W>;
}

/**
 * The template of every service that owns a database (auth, catalog, orders, profile): the
 * settings every such service has, its own, a pool, migrations applied once across replicas,
 * `/metrics` with query counts by purpose, readiness on the database, and the domain-service app.
 * A service's `main.ts` is `startService(theService)`; its `app.ts` holds only its own wiring.
 */
export function dataService<
  W extends DataServiceWiring,
  S extends Schema = Record<never, never>,
  I extends Schema = Record<never, never>,
>(definition: DataServiceDefinition<S, I, W>): DataService<DataServiceConfig<S, I>, W> {
  type Config = DataServiceConfig<S, I>;
  const schema: Schema = {
    ...serviceSettings,
    ...databaseSettings,
    ...(definition.identity?.settings ?? {}),
    ...(definition.settings ?? {}),
  };

  const createApp: DataService<Config, W>['createApp'] = ({ config, db, logger, metrics }) => {
    const wiring = definition.wire({ config, db, logger, metrics });
    const identity = definition.identity?.middleware(config as unknown as ConfigOf<I>);
    const app = createDomainServiceApp({
      service: definition.name,
      instanceId: config.instanceId,
      logger,
      ...(metrics && { metrics }),
      bodyLimits: { limitBytes: config.bodyLimitBytes, timeoutMs: config.bodyTimeoutMs },
      ...(identity && { identity }),
      readiness: { database: () => db.ping(), ...wiring.readiness },
      routes: wiring.routes,
    });
    if (wiring.onDrain) app.lifecycle.onDrain(wiring.onDrain);
    return { ...app, wiring };
  };

  return {
    name: definition.name,
    schema,
    loadConfig: (env = process.env) => loadConfig(schema, env) as Config,
    createApp,
    async build(config, logger) {
      const metrics = new ServiceMetrics(definition.name, config.instanceId);
      const db = databaseFromConfig(config, `${definition.name}/${config.instanceId}`, metrics.countQuery);
      const applied = await runMigrations(db, definition.migrations);
      if (applied.length > 0) logger.info({ applied }, 'migrations applied');
      const instance = createApp({ config, db, logger, metrics });
      await instance.wiring.prepare?.();
      return {
        service: instance,
        ...(instance.wiring.background && { background: instance.wiring.background }),
        onShutdown: [() => db.close()],
      };
    },
  };
}
