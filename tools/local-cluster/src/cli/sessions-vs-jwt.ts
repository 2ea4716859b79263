import path from 'node:path';
import { parseArgs } from 'node:util';
import { compareSessionsAndJwt } from '@jwt-msa/sessions-vs-jwt';
import { readClusterFileAt } from '@jwt-msa/topology';

/** The bounds the console enforces too: enough calls to kill a front half-way, few enough to stay short. */
const MIN_CALLS = 4;
const MAX_CALLS = 10_000;

const USAGE =
  'usage: node dist/tools/local-cluster/sessions-vs-jwt.js --cluster-file <cluster.json> --calls <n> --work-dir <dir>';

class UsageError extends Error {}

function options(argv: string[]): { clusterFile: string; calls: number; workDir: string } {
  let values: { 'cluster-file'?: string; calls?: string; 'work-dir'?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { 'cluster-file': { type: 'string' }, calls: { type: 'string' }, 'work-dir': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const clusterFile = values['cluster-file'];
  const workDir = values['work-dir'];
  if (!clusterFile || !workDir || values.calls === undefined) throw new UsageError(USAGE);
  const calls = Number(values.calls);
  if (!/^\d+$/.test(values.calls) || calls < MIN_CALLS || calls > MAX_CALLS)
    throw new UsageError(`--calls must be an integer from ${MIN_CALLS} to ${MAX_CALLS}, got "${values.calls}"`);
  return { clusterFile: path.resolve(clusterFile), calls, workDir: path.resolve(workDir) };
}

/**
 * The sessions-vs-JWT comparison as a process of its own, for the console: it starts fronts and a
 * PostgreSQL of its own beside a running `npm start` cluster, so the console (which never starts
 * processes itself) runs this instead. stdout: one JSON line `{"modes": [...]}`; stderr: progress.
 */
async function main(): Promise<void> {
  const { clusterFile, calls, workDir } = options(process.argv.slice(2));
  const cluster = await readClusterFileAt(clusterFile);
  const runs = await compareSessionsAndJwt({
    cluster,
    calls,
    workDir,
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify({ modes: runs.map((run) => run.measured) })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      error instanceof UsageError ? `${error.message}\n` : `sessions vs JWT failed: ${(error as Error).message}\n`,
    );
    process.exit(1);
  },
);
