import { parseArgs } from 'node:util';

export interface DemoArgs {
  /** An already running cluster (npm start, docker compose up); absent = the demo starts its own. */
  baseUrl?: string;
  /** That gateway's internal admin listener; absent = read from the cluster file of `dataDir`. */
  adminUrl?: string;
  /** Where `npm start` wrote cluster.json (default .data). */
  dataDir: string;
  calls: number;
  /** Authenticated calls per mode in the sessions-vs-JWT chapter. */
  compareCalls: number;
  /** Where to write the figures as JSON (`{"sessionsVsJwt": [...], "revocation": {...}}`). */
  json?: string;
}

export const USAGE = `Usage: npm run demo -- [--base-url URL [--admin-url URL | --data-dir DIR]] [--calls N] [--compare-calls N] [--json FILE]
  without --base-url: starts its own throwaway cluster (auth x2, catalog x2, orders x3) and also
                      kills and restarts replicas to show what survives
  --base-url URL      a running cluster's gateway, e.g. http://localhost:8080 (npm start, docker compose up)
  --admin-url URL     that gateway's internal metrics listener (default: the one npm start wrote to
                      DIR/cluster.json for that gateway)
  --data-dir DIR      the data dir of the npm start to talk to (default .data)
  --calls N           authenticated API calls to count (default 20)
  --compare-calls N   calls per mode in "Sessions vs JWT" (default 1000; needs the cluster.json of the cluster)
  --json FILE         also write the figures measured as JSON: {"sessionsVsJwt": [...], "revocation": {...}}`;

export class UsageError extends Error {}

export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  let values: {
    'base-url'?: string;
    'admin-url'?: string;
    'data-dir'?: string;
    calls?: string;
    'compare-calls'?: string;
    json?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'base-url': { type: 'string' },
        'admin-url': { type: 'string' },
        'data-dir': { type: 'string' },
        calls: { type: 'string' },
        'compare-calls': { type: 'string' },
        json: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) throw new UsageError(USAGE);
  const calls = Number(values.calls ?? 20);
  if (!Number.isInteger(calls) || calls < 1 || calls > 1000)
    throw new UsageError('--calls must be an integer from 1 to 1000');
  const compareCalls = Number(values['compare-calls'] ?? 1000);
  if (!Number.isInteger(compareCalls) || compareCalls < 10 || compareCalls > 10_000)
    throw new UsageError('--compare-calls must be an integer from 10 to 10000');
  const trim = (url: string) => url.replace(/\/+$/, '');
  return {
    ...(values['base-url'] !== undefined && { baseUrl: trim(values['base-url']) }),
    ...(values['admin-url'] !== undefined && { adminUrl: trim(values['admin-url']) }),
    dataDir: values['data-dir'] ?? '.data',
    calls,
    compareCalls,
    ...(values.json !== undefined && { json: values.json }),
  };
}
