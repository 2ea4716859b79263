import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ChildProcesses } from './processes';

/**
 * What a run leaves behind unless cleaned up: child processes, servers in this process (the JWKS
 * stand-in, PostgreSQL) and a work directory. All of it goes at the end, on error, on Ctrl-C and
 * when stdout closes under us (e.g. `npm run bench | head`).
 */
export class RunResources {
  readonly children = new ChildProcesses();
  private readonly closers: Array<() => Promise<void>> = [];
  private cleaned: Promise<void> | undefined;

  private readonly onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping every process the bench started...\n`);
    void this.cleanup().finally(() => process.exit(130));
  };

  private readonly onStdoutError = () => void this.cleanup().finally(() => process.exit(1));

  private constructor(readonly workDir: string) {}

  static async open(): Promise<RunResources> {
    const resources = new RunResources(await mkdtemp(path.join(tmpdir(), 'jwt-msa-bench-')));
    process.once('SIGINT', resources.onSignal);
    process.once('SIGTERM', resources.onSignal);
    process.stdout.once('error', resources.onStdoutError);
    return resources;
  }

  /** `close` runs at the end, after the child processes have stopped, in the order added. */
  closeAtEnd(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  async release(): Promise<void> {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    process.stdout.off('error', this.onStdoutError);
    await this.cleanup();
  }

  /** Once only: a signal can arrive while the run is already releasing. */
  private cleanup(): Promise<void> {
    this.cleaned ??= (async () => {
      await this.children.stopAll().catch(() => undefined);
      for (const close of this.closers) await close().catch(() => undefined);
      await rm(this.workDir, { recursive: true, force: true }).catch(() => undefined);
    })();
    return this.cleaned;
  }
}
