import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ServiceName } from '@jwt-msa/topology';

export interface InstanceOptions {
  name: string;
  service: ServiceName;
  bundle: string;
  /** A fixed port (an edge's public one); absent = the replica binds any free port and reports it. */
  port?: number;
  env: Record<string, string>;
  logFile: string;
  onLine: (instance: string, line: string) => void;
}

/** What the child says over IPC once it listens (runService sends it). */
interface ListeningMessage {
  type: 'listening';
  port: number;
  adminPort?: number;
}

export interface InstanceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const STOP_TIMEOUT_MS = 15_000;

function isListening(message: unknown): message is ListeningMessage {
  return typeof message === 'object' && message !== null && (message as ListeningMessage).type === 'listening';
}

/**
 * One replica of one service as a child process. It is started with an IPC channel, so it shuts
 * itself down if the launcher dies, and it reports the ports it bound: a replica listens on port 0,
 * so no port is picked first and taken by someone else before it binds. Its output goes to a log
 * file; readiness counts only when /readyz names this very replica.
 */
export class Instance {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private exit: Promise<InstanceExit> = Promise.resolve({ code: null, signal: null });
  private listening: Promise<ListeningMessage> | undefined;
  private boundPort: number | undefined;
  private boundAdminPort: number | undefined;
  private stopping = false;
  private readonly recent: string[] = [];
  private readonly exitListeners: Array<(exit: InstanceExit) => void> = [];

  constructor(private readonly options: InstanceOptions) {
    this.boundPort = options.port;
  }

  get name(): string {
    return this.options.name;
  }
  get service(): ServiceName {
    return this.options.service;
  }
  /** The port it listens on: known once it reported it (or given). */
  get port(): number {
    if (this.boundPort === undefined) throw new Error(`${this.name} has not reported its port yet`);
    return this.boundPort;
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** Its internal admin listener (edges), once reported. */
  get adminUrl(): string | undefined {
    return this.boundAdminPort === undefined ? undefined : `http://127.0.0.1:${this.boundAdminPort}`;
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Called when the process ends without stop() having been asked for (a crash, a kill). */
  onUnexpectedExit(listener: (exit: InstanceExit) => void): void {
    this.exitListeners.push(listener);
  }

  /**
   * Starts the process. A restart keeps the port the replica had, so whoever knows its URL (the
   * gateway, another service) reaches it again.
   */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.log = createWriteStream(this.options.logFile, { flags: 'a' });
    const child = spawn(process.execPath, ['--enable-source-maps', this.options.bundle], {
      env: {
        PATH: process.env['PATH'] ?? '',
        ...this.options.env,
        PORT: String(this.boundPort ?? 0),
        HOST: '127.0.0.1',
        INSTANCE_ID: this.options.name,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => this.handleLine(line));
    }
    this.listening = new Promise((resolve) => {
      const onMessage = (message: unknown) => {
        if (!isListening(message)) return;
        child.off('message', onMessage);
        this.boundPort = message.port;
        this.boundAdminPort = message.adminPort;
        resolve(message);
      };
      child.on('message', onMessage);
    });
    this.exit = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.log?.end();
        const exit = { code, signal };
        if (!this.stopping) for (const listener of this.exitListeners) listener(exit);
        resolve(exit);
      }),
    );
  }

  /**
   * Waits until the process has reported its port and its /readyz answers 200 naming this
   * replica (a foreign server on the same port does not count); fails early if the process exits.
   */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited: InstanceExit | undefined;
    void this.exit.then((exit) => {
      exited = exit;
    });
    const failure = (what: string) => new Error(`${this.name} ${what}:\n${this.recentOutput()}`);
    const listening = await Promise.race([
      this.listening ?? Promise.reject(failure('was never started')),
      this.exit.then(() => undefined),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs).unref()),
    ]);
    if (!listening)
      throw failure(exited ? `exited during start-up (${describeExit(exited)})` : 'did not listen in time');
    while (Date.now() < deadline) {
      if (exited || !this.running) throw failure(`exited during start-up (${describeExit(exited)})`);
      try {
        const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(1000) });
        const body = (await response.json().catch(() => ({}))) as { instance?: unknown };
        if (response.status === 200 && body.instance === this.name) return;
        if (response.status === 200)
          throw failure(`is not what answers on port ${this.port} (readiness named "${String(body.instance)}")`);
      } catch (error) {
        if ((error as Error).message.includes('is not what answers')) throw error;
        // not ready yet
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    throw failure(`was not ready after ${timeoutMs} ms`);
  }

  /** SIGTERM (graceful drain), SIGKILL if it does not exit in time. Resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    this.stopping = true;
    if (!this.running) return (await this.exit).code;
    this.child!.kill(signal);
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), STOP_TIMEOUT_MS);
    try {
      return (await this.exit).code;
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

export function describeExit(exit: InstanceExit | undefined): string {
  if (!exit) return 'still running';
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}
