import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { parseBenchArgs, UsageError } from './args';
import { runCacheMemory } from './cache-memory';
import { reportToParent } from './child-role';
import { runPeerExpressJwt } from './peer-express-jwt';
import { runPlainProxy } from './plain-proxy';
import { runBench } from './run-bench';
import { runSessionStoreGateway } from './session-store-gateway';
import { SIGN_WORKER_ROLE, signTokens, type SignJob } from './tokens';
import { runUpstream } from './upstream';

/**
 * One bundle, several roles: `npm run bench` (the orchestrator), and the processes and threads it
 * starts from this same file: `--role upstream | plain-proxy | peer-express-jwt | session-gateway | cache-memory`,
 * and token-signing worker threads.
 */
const ROLES: Record<string, () => Promise<void>> = {
  upstream: runUpstream,
  'plain-proxy': runPlainProxy,
  'peer-express-jwt': runPeerExpressJwt,
  'session-gateway': runSessionStoreGateway,
  'cache-memory': async () => {
    await runCacheMemory();
    process.exit(0);
  },
};

function fail(role: string, error: unknown): never {
  process.stderr.write(`bench ${role} failed: ${(error as Error)?.stack ?? String(error)}\n`);
  void reportToParent({ type: 'failed', message: (error as Error)?.message ?? String(error) } as { type: string });
  process.exit(1);
}

if (!isMainThread && (workerData as { role?: string } | undefined)?.role === SIGN_WORKER_ROLE) {
  parentPort!.postMessage(signTokens((workerData as { job: SignJob }).job));
} else {
  const roleAt = process.argv.indexOf('--role');
  if (roleAt >= 0) {
    const role = process.argv[roleAt + 1] ?? '';
    const run = ROLES[role];
    if (!run) fail(role, new Error(`unknown role "${role}"`));
    run().catch((error: unknown) => fail(role, error));
  } else {
    Promise.resolve()
      .then(() => runBench(parseBenchArgs(process.argv.slice(2)), __filename))
      .catch((error: unknown) => {
        if (error instanceof UsageError) {
          process.stderr.write(`${error.message}\n`);
          process.exit(2);
        }
        process.stderr.write(`bench failed: ${(error as Error)?.stack ?? String(error)}\n`);
        process.exit(1);
      });
  }
}
