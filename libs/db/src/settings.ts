import { setting } from '@jwt-msa/config';

/** The database settings every data-owning service declares in its config schema. */
export const databaseSettings = {
  databaseUrl: setting.url('DATABASE_URL', {
    description: "PostgreSQL URL of this service's own database.",
    secret: true,
  }),
  databasePassword: setting.string('DATABASE_PASSWORD', {
    default: '',
    defaultLabel: '(unset: the one in DATABASE_URL)',
    description:
      "The database role's password apart from the URL (e.g. a mounted secret while DATABASE_URL stays plain configuration); replaces any password in DATABASE_URL.",
    secret: true,
  }),
  databasePoolSize: setting.integer('DATABASE_POOL_SIZE', {
    default: 10,
    min: 1,
    max: 100,
    description: "Maximum connections in this replica's pool.",
  }),
  databaseStatementTimeoutMs: setting.integer('DATABASE_STATEMENT_TIMEOUT_MS', {
    default: 5000,
    min: 100,
    description: 'Server-side timeout for one SQL statement.',
  }),
  databaseConnectTimeoutMs: setting.integer('DATABASE_CONNECT_TIMEOUT_MS', {
    default: 3000,
    min: 100,
    description: 'How long to wait for a pool connection before answering 503.',
  }),
};
