import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { PostgresBinaries } from './binaries';
import { LogTail } from './log-tail';
import { spawnOptionsFor, type ServerUser } from './server-user';

export interface PostmasterOptions {
  readonly binaries: PostgresBinaries;
  readonly user: ServerUser | undefined;
  readonly realDataDir: string;
  readonly port: number;
  readonly settings: Readonly<Record<string, string>>;
  readonly onLog: (line: string) => void;
}

export interface PostmasterExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const FAST_SHUTDOWN_TIMEOUT_MS = 15_000;
const IMMEDIATE_SHUTDOWN_TIMEOUT_MS = 5_000;

/** One running `postgres` server process: its log, its exit, and how to shut it down. */
export class Postmaster {
  readonly exited: Promise<PostmasterExit>;
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;
  private readonly log: LogTail;
  private exit: PostmasterExit | undefined;
  private stopping: Promise<void> | undefined;
  // Synchronous on purpose: 'exit' listeners cannot await. SIGINT asks for a fast shutdown.
  private readonly stopOnProcessExit = () => this.signal('SIGINT');

  constructor(options: PostmasterOptions) {
    const { binaries, realDataDir, port, settings } = options;
    const args = ['-D', realDataDir, '-p', String(port)];
    for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
    const [command, commandArgs] = withParentDeathSignal(binaries.postgres, args);

    this.log = new LogTail(options.onLog);
    this.child = spawn(command, commandArgs, { ...spawnOptionsFor(options.user), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => this.log.write(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => this.log.write(chunk));
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.log.write(`could not run ${command}: ${error.message}\n`);
        this.recordExit({ code: null, signal: null }, resolve);
      });
      this.child.once('exit', (code, signal) => this.recordExit({ code, signal }, resolve));
    });
    process.on('exit', this.stopOnProcessExit);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  logTail(): readonly string[] {
    return this.log.lines();
  }

  /** Fast shutdown (SIGINT), escalating to SIGQUIT and SIGKILL if it hangs. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  /** Lets this process exit while the server runs; the parent-death signal or exit hook still stops it. */
  unref(): void {
    this.child.unref();
    // Child pipes are sockets; typed as plain streams, they would hide unref().
    (this.child.stdout as Socket).unref();
    (this.child.stderr as Socket).unref();
  }

  private async shutDown(): Promise<void> {
    for (const [signal, timeoutMs] of [
      ['SIGINT', FAST_SHUTDOWN_TIMEOUT_MS],
      ['SIGQUIT', IMMEDIATE_SHUTDOWN_TIMEOUT_MS],
    ] as const) {
      if (this.hasExited) return;
      this.signal(signal);
      if (await this.exitsWithin(timeoutMs)) return;
    }
    this.signal('SIGKILL');
    await this.exited;
  }

  private signal(signal: NodeJS.Signals): void {
    if (!this.hasExited) this.child.kill(signal);
  }

  private async exitsWithin(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, timeoutMs, false)));
    try {
      return await Promise.race([this.exited.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private recordExit(exit: PostmasterExit, resolve: (exit: PostmasterExit) => void): void {
    if (this.exit !== undefined) return;
    this.exit = exit;
    this.log.end();
    process.off('exit', this.stopOnProcessExit);
    resolve(exit);
  }
}

let setprivSupportsParentDeathSignal: boolean | undefined;

/**
 * Prefixes the command with `setpriv --pdeathsig SIGINT` where available (util-linux), so the kernel
 * stops the server when this process dies in any way, SIGKILL included. The 'exit' hook alone misses
 * those deaths, and inside a jest sandbox `process` is a copy whose 'exit' event never fires.
 */
function withParentDeathSignal(command: string, args: string[]): [string, string[]] {
  setprivSupportsParentDeathSignal ??=
    process.platform === 'linux' &&
    (spawnSync('setpriv', ['--help'], { encoding: 'utf8' }).stdout ?? '').includes('--pdeathsig');
  return setprivSupportsParentDeathSignal
    ? ['setpriv', ['--pdeathsig', 'SIGINT', '--', command, ...args]]
    : [command, args];
}

/** True when the server failed because its port was taken between choosing it and binding it. */
export function failedOnBusyPort(logTail: readonly string[]): boolean {
  return logTail.some((line) => line.includes('Address already in use'));
}
