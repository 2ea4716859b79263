import { setting } from '@jwt-msa/config';

export const launcherConfigSchema = {
  gatewayPort: setting.port('GATEWAY_PORT', {
    default: 8080,
    description:
      "`npm start`: port of the first gateway (`0` = any free port); further gateway replicas take the ports after it. Every other port, the gateways' admin ports included, is chosen free and written to `cluster.json` in the data dir.",
  }),
  sessionGatewayPort: setting.string('SESSION_GATEWAY_PORT', {
    default: '',
    pattern: /^\d{1,5}$/,
    defaultLabel: '`GATEWAY_PORT` + 10 (`8090`)',
    description:
      '`npm start`: port of the first session gateway (the counter-example; `--scale session-gateway=N` takes the ports after it). Its sessions live on a PostgreSQL server of its own.',
  }),
  dataDir: setting.string('LOCAL_CLUSTER_DATA_DIR', {
    default: '.data',
    description:
      '`npm start`: where PostgreSQL data, logs, the generated admin password and `cluster.json` (what is running where) live (git-ignored).',
  }),
  logLevel: setting.string('LOG_LEVEL', { default: 'info', description: 'Log level passed to every service.' }),
};

/** The session gateways' first port: its own setting, else ten above the gateway's (so 8090 beside 8080). */
export function sessionGatewayPortOf(config: { gatewayPort: number; sessionGatewayPort: string }): number {
  if (config.sessionGatewayPort !== '') return Number(config.sessionGatewayPort);
  return config.gatewayPort === 0 ? 0 : config.gatewayPort + 10;
}
