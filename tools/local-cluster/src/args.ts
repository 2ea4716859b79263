import { isServiceName, SERVICE_NAMES, type ServiceName } from '@jwt-msa/topology';

export interface LauncherArgs {
  scale: Partial<Record<ServiceName, number>>;
  dataDir?: string;
  verbose: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: npm start -- [--scale <service>=<replicas>]... [--data-dir <dir>] [--verbose]
  services: ${SERVICE_NAMES.join(', ')}
  example:  npm start -- --scale orders=3 --scale auth=2`;

export function parseArgs(argv: readonly string[]): LauncherArgs {
  const args: LauncherArgs = { scale: {}, verbose: false };
  for (let i = 0; i < argv.length; i += 1) {
    let flag = argv[i]!;
    let inline: string | undefined;
    const eq = flag.indexOf('=');
    if (flag.startsWith('--') && eq > 0) {
      inline = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    }
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    if (flag === '--scale') {
      const spec = value();
      const match = /^([a-z-]+)=(\d+)$/.exec(spec);
      if (!match) throw new UsageError(`--scale expects <service>=<replicas>, got "${spec}"`);
      const service = match[1]!.replace(/-service$/, '');
      const replicas = Number(match[2]);
      if (!isServiceName(service))
        throw new UsageError(`unknown service "${match[1]}" (one of ${SERVICE_NAMES.join(', ')})`);
      if (replicas < 1 || replicas > 10)
        throw new UsageError(`replicas of ${service} must be between 1 and 10, got ${replicas}`);
      args.scale[service] = replicas;
    } else if (flag === '--data-dir') {
      args.dataDir = value();
    } else if (flag === '--verbose') {
      args.verbose = true;
    } else if (flag === '--help' || flag === '-h') {
      throw new UsageError(USAGE);
    } else {
      throw new UsageError(`unknown option "${argv[i]}"\n${USAGE}`);
    }
  }
  return args;
}
