export interface DemoArgs {
  /** An already running cluster (npm start, docker compose up); absent = the demo starts its own. */
  baseUrl?: string;
  adminUrl?: string;
  calls: number;
}

export const USAGE = `Usage: npm run demo -- [--base-url URL --admin-url URL] [--calls N]
  without --base-url: starts its own throwaway cluster (auth x2, catalog x2, orders x3) and also
                      kills and restarts replicas to show what survives
  --base-url URL      a running cluster's gateway, e.g. http://localhost:8080 (npm start, docker compose up)
  --admin-url URL     that gateway's internal metrics listener (default http://localhost:9464)
  --calls N           authenticated API calls to count (default 20)`;

export class UsageError extends Error {}

export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  const args: DemoArgs = { calls: 20 };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value\n${USAGE}`);
      return next;
    };
    if (flag === '--base-url') args.baseUrl = value().replace(/\/+$/, '');
    else if (flag === '--admin-url') args.adminUrl = value().replace(/\/+$/, '');
    else if (flag === '--calls') {
      args.calls = Number(value());
      if (!Number.isInteger(args.calls) || args.calls < 1 || args.calls > 1000)
        throw new UsageError('--calls must be an integer from 1 to 1000');
    } else throw new UsageError(flag === '--help' ? USAGE : `unknown option "${argv[i]}"\n${USAGE}`);
  }
  if (args.baseUrl && !args.adminUrl) args.adminUrl = 'http://localhost:9464';
  return args;
}
