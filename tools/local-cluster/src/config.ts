import { setting } from '@jwt-msa/config';

export const launcherConfigSchema = {
  gatewayPort: setting.port('GATEWAY_PORT', {
    default: 8080,
    description:
      "`npm start`: port of the first gateway (`0` = any free port); further gateway replicas take the ports after it. Every other port, the gateways' admin ports included, is chosen free and written to `cluster.json` in the data dir.",
  }),
  dataDir: setting.string('LOCAL_CLUSTER_DATA_DIR', {
    default: '.data',
    description:
      '`npm start`: where PostgreSQL data, logs, the generated admin password and `cluster.json` (what is running where) live (git-ignored).',
  }),
  logLevel: setting.string('LOG_LEVEL', { default: 'info', description: 'Log level passed to every service.' }),
};
