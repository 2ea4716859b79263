import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ServiceName } from '@jwt-msa/topology';

export interface InstanceOptions {
  name: string;
  service: ServiceName;
  bundle: string;
  port: number;
  env: Record<string, string>;
  logFile: string;
  onLine: (instance: string, line: string) => void;
}

const STOP_TIMEOUT_MS = 15_000;

/**
 * One replica of one service as a child process. It is started with an IPC channel, so it shuts
 * itself down if the launcher dies (no orphans), and its output goes to a log file.
 */
export class Instance {
  readonly url: string;
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private exit: Promise<number | null> = Promise.resolve(null);
  private readonly recent: string[] = [];

  constructor(private readonly options: InstanceOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
  }

  get name(): string {
    return this.options.name;
  }
  get service(): ServiceName {
    return this.options.service;
  }
  get port(): number {
    return this.options.port;
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) return;
    this.log = createWriteStream(this.options.logFile, { flags: 'a' });
    const child = spawn(process.execPath, ['--enable-source-maps', this.options.bundle], {
      env: {
        PATH: process.env['PATH'] ?? '',
        ...this.options.env,
        PORT: String(this.options.port),
        HOST: '127.0.0.1',
        INSTANCE_ID: this.options.name,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => this.handleLine(line));
    }
    this.exit = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.log?.end();
        resolve(code);
      }),
    );
  }

  /** Polls /readyz until it answers 200; fails early if the process exits. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exit.then(() => {
      exited = true;
    });
    while (Date.now() < deadline) {
      if (exited || !this.running) throw new Error(`${this.name} exited during start-up:\n${this.recentOutput()}`);
      try {
        const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(1000) });
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    throw new Error(`${this.name} was not ready after ${timeoutMs} ms:\n${this.recentOutput()}`);
  }

  /** SIGTERM (graceful drain), SIGKILL if it does not exit in time. Resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!this.running) return this.exit;
    this.child!.kill(signal);
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), STOP_TIMEOUT_MS);
    try {
      return await this.exit;
    } finally {
      clearTimeout(timer);
    }
  }

  recentOutput(): string {
    return this.recent.join('\n');
  }

  private handleLine(line: string): void {
    this.log?.write(`${line}\n`);
    this.recent.push(line);
    if (this.recent.length > 30) this.recent.shift();
    this.options.onLine(this.name, line);
  }
}
