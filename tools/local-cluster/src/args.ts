import { parseArgs as parseArgv } from 'node:util';
import { isServiceName, SERVICE_NAMES, type ServiceName } from '@jwt-msa/topology';

export interface LauncherArgs {
  scale: Partial<Record<ServiceName, number>>;
  dataDir?: string;
  verbose: boolean;
  help: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: npm start -- [--scale <service>=<replicas>]... [--data-dir <dir>] [--verbose]
  --scale <service>=<n>  run n replicas (1-10) of a service: ${SERVICE_NAMES.join(', ')}
                         gateway replicas listen on GATEWAY_PORT, GATEWAY_PORT+1, ...; session-gateway
                         replicas (the counter-example) on SESSION_GATEWAY_PORT, SESSION_GATEWAY_PORT+1, ...
  --data-dir <dir>       where PostgreSQL data, logs, the generated admin password and cluster.json
                         live (default: LOCAL_CLUSTER_DATA_DIR, else .data)
  --verbose              every service's log lines, not only warnings and errors
  --help                 this text
  example:  npm start -- --scale orders=3 --scale auth=2 --scale gateway=3`;

export function parseArgs(argv: readonly string[]): LauncherArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(`${usageProblem(argv, (error as NodeJS.ErrnoException).code)}\n${USAGE}`);
  }
  const { values } = parsed;
  const args: LauncherArgs = { scale: {}, verbose: values.verbose, help: values.help };
  if (values['data-dir'] !== undefined) args.dataDir = values['data-dir'];
  for (const spec of values.scale) {
    const match = /^([a-z-]+)=(\d+)$/.exec(spec);
    if (!match) throw new UsageError(`--scale expects <service>=<replicas>, got "${spec}"`);
    const service = match[1]!.replace(/-service$/, '');
    const replicas = Number(match[2]);
    if (!isServiceName(service)) {
      throw new UsageError(`unknown service "${match[1]}" (one of ${SERVICE_NAMES.join(', ')})`);
    }
    if (replicas < 1 || replicas > 10) {
      throw new UsageError(`replicas of ${service} must be between 1 and 10, got ${replicas}`);
    }
    args.scale[service] = replicas;
  }
  return args;
}

function parse(argv: readonly string[]) {
  return parseArgv({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      scale: { type: 'string', multiple: true, default: [] },
      'data-dir': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

const FLAGS = new Set(['--scale', '--data-dir', '--verbose', '--help', '-h']);
const TAKES_VALUE = new Set(['--scale', '--data-dir']);

/** The one argument node:util refused, said the way this launcher says it. */
function usageProblem(argv: readonly string[], code: string | undefined): string {
  const flagOf = (arg: string) => arg.split('=')[0]!;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = argv
      .map(flagOf)
      .find((arg, i) => TAKES_VALUE.has(arg) && !argv[i]!.includes('=') && argv[i + 1] === undefined);
    return `${flag ?? 'an option'} needs a value`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return `unexpected argument "${argv.find((arg, i) => !arg.startsWith('-') && !TAKES_VALUE.has(argv[i - 1] ?? ''))}"`;
  }
  return `unknown option "${argv.find((arg) => arg.startsWith('-') && !FLAGS.has(flagOf(arg))) ?? argv.join(' ')}"`;
}
