import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface BenchArgs {
  /** Seconds of load per scenario per round. */
  durationS: number;
  rounds: number;
  connections: number;
  /** Seconds of unmeasured load per scenario before the first round. */
  warmupS: number;
  /** Seconds of unmeasured load on a scenario's process right before each of its measured runs. */
  rewarmS: number;
  /** Distinct pre-signed tokens cycled by the cache-miss scenario (must exceed cacheEntries). */
  poolSize: number;
  /** The gateway's verified-token cache size for this run (VERIFIED_TOKEN_CACHE_MAX_ENTRIES). */
  cacheEntries: number;
  /** Share of flood requests carrying a token with an unknown kid. */
  floodShare: number;
  /** Seconds of distinct-token load while the gateway's RSS is sampled. */
  memoryS: number;
  /** Synthetic entries pushed through a VerifiedTokenCache alone (memory bound check). */
  memoryEntries: number;
  /** Connections of the session gateway's PostgreSQL pool (DATABASE_POOL_SIZE). */
  sessionPool: number;
  /** Where latest.json and latest.svg go. */
  outDir: string;
  /** Only these scenario ids (default: all). */
  only?: string[];
  /** Extra node flags for the gateway processes, e.g. --cpu-prof (profiling the hot path). */
  gatewayNodeArgs: string[];
  /** The gateway bundle to run (default dist/apps/gateway/main.js). */
  gatewayBundle: string;
  /** A second gateway bundle: auth-off, jwt-cached and jwt-uncached also run against it, interleaved (A/B). */
  compareBundle?: string;
}

export const USAGE = `Usage: npm run bench -- [options]
  --duration S         seconds of load per scenario and round (default 2)
  --rounds N           interleaved rounds; medians are reported (default 7)
  --connections N      concurrent keep-alive connections of the load generator (default 50)
  --warmup S           unmeasured seconds of load per serving process before the rounds, split over its scenarios (default 30)
  --rewarm S           unmeasured seconds of load on a scenario's process right before each measured run (default 1; 0 = none)
  --pool N             distinct pre-signed tokens for the cache-miss scenario (default 6000)
  --cache-entries N    the gateway's verified-token cache size during the run (default 1000; < --pool)
  --flood-share F      share of requests with an unknown kid in the flood scenario (default 0.1)
  --memory S           seconds of distinct-token load while the gateway's RSS is sampled (default 8; 0 = skip)
  --memory-entries N   synthetic entries pushed through VerifiedTokenCache alone (default 1000000; 0 = skip)
  --session-pool N     PostgreSQL connections of the session gateway (default 10)
  --only a,b           run only these scenario ids
  --gateway-node-arg X a node flag for the gateway processes, repeatable (e.g. --cpu-prof)
  --gateway-bundle F   the gateway bundle to run (default dist/apps/gateway/main.js)
  --compare-bundle F   also run auth-off, jwt-cached, jwt-uncached against this bundle, interleaved ("[B]" rows)
  --out DIR            results directory (default bench/results)`;

export class UsageError extends Error {}

export const DEFAULT_ARGS: BenchArgs = {
  durationS: 2,
  rounds: 7,
  connections: 50,
  warmupS: 30,
  rewarmS: 1,
  poolSize: 6000,
  cacheEntries: 1000,
  floodShare: 0.1,
  memoryS: 8,
  memoryEntries: 1_000_000,
  sessionPool: 10,
  outDir: 'bench/results',
  gatewayNodeArgs: [],
  gatewayBundle: 'dist/apps/gateway/main.js',
};

type NumericKey = Exclude<
  { [K in keyof BenchArgs]: BenchArgs[K] extends number ? K : never }[keyof BenchArgs],
  undefined
>;

interface NumericOption {
  key: NumericKey;
  min: number;
  max: number;
  integer: boolean;
}

const NUMERIC_OPTIONS: Record<string, NumericOption> = {
  duration: { key: 'durationS', min: 1, max: 600, integer: false },
  rounds: { key: 'rounds', min: 1, max: 50, integer: true },
  connections: { key: 'connections', min: 1, max: 1000, integer: true },
  warmup: { key: 'warmupS', min: 0, max: 120, integer: false },
  rewarm: { key: 'rewarmS', min: 0, max: 60, integer: false },
  pool: { key: 'poolSize', min: 10, max: 200_000, integer: true },
  'cache-entries': { key: 'cacheEntries', min: 1, max: 10_000_000, integer: true },
  'flood-share': { key: 'floodShare', min: 0.01, max: 0.5, integer: false },
  memory: { key: 'memoryS', min: 0, max: 600, integer: false },
  'memory-entries': { key: 'memoryEntries', min: 0, max: 20_000_000, integer: true },
  'session-pool': { key: 'sessionPool', min: 1, max: 100, integer: true },
};

/** Applies one option's value to the args, or throws a UsageError naming `flag` as written. */
type ApplyOption = (args: BenchArgs, value: string, flag: string) => void;

// A Map, not an object: an option named like an Object.prototype member (--constructor) is unknown.
const OPTIONS = new Map<string, ApplyOption>([
  ...Object.entries(NUMERIC_OPTIONS).map(([name, option]): [string, ApplyOption] => [
    name,
    (args, value, flag) => void (args[option.key] = numberFrom(flag, value, option)),
  ]),
  [
    'only',
    (args, value) => {
      args.only = value
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean);
    },
  ],
  ['gateway-node-arg', (args, value) => void args.gatewayNodeArgs.push(value)],
  ['gateway-bundle', (args, value) => void (args.gatewayBundle = value)],
  ['compare-bundle', (args, value) => void (args.compareBundle = value)],
  ['out', (args, value) => void (args.outDir = value)],
]);

const PARSE_OPTIONS: ParseArgsConfig['options'] = {
  ...Object.fromEntries([...OPTIONS.keys()].map((name) => [name, { type: 'string' }])),
  help: { type: 'boolean', short: 'h' },
};

function numberFrom(flag: string, raw: string, option: NumericOption): number {
  const n = Number(raw);
  if (
    raw.trim() === '' ||
    !Number.isFinite(n) ||
    (option.integer && !Number.isInteger(n)) ||
    n < option.min ||
    n > option.max
  ) {
    throw new UsageError(
      `${flag} must be ${option.integer ? 'an integer' : 'a number'} from ${option.min} to ${option.max}, got "${raw}"`,
    );
  }
  return n;
}

/** parseArgs splits a group of short flags (-hx) into one token each; this bench takes no such group. */
function isOneOption(written: string, rawName: string): boolean {
  return written === rawName || written.startsWith(`${rawName}=`);
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { ...DEFAULT_ARGS, gatewayNodeArgs: [] };
  // Not strict: strict mode refuses a value that starts with a dash, and gateway node flags do
  // (`--gateway-node-arg --cpu-prof`). The tokens, read in order, give this bench's own messages,
  // the first problem on the command line first.
  const { tokens } = parseArgs({
    args: [...argv],
    options: PARSE_OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    const written = argv[token.index] ?? '';
    const unknown = new UsageError(`unknown option "${written}"\n${USAGE}`);
    if (token.kind !== 'option' || !isOneOption(written, token.rawName)) throw unknown;
    if (token.name === 'help') throw new UsageError(USAGE);
    const apply = OPTIONS.get(token.name);
    if (!apply) throw unknown;
    if (token.value === undefined) throw new UsageError(`${token.rawName} needs a value\n${USAGE}`);
    apply(args, token.value, token.rawName);
  }
  if (args.poolSize <= args.cacheEntries) {
    throw new UsageError(
      `--pool (${args.poolSize}) must exceed --cache-entries (${args.cacheEntries}), or the cache-miss scenario would hit the cache`,
    );
  }
  return args;
}
