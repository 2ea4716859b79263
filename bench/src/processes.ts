import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import type { ChildMessage } from './child-role';

export interface StartOptions {
  name: string;
  /** A JS file: this bundle (with --role) or the gateway's bundle. */
  file: string;
  args?: string[];
  env: NodeJS.ProcessEnv;
  /** stdout and stderr go here. */
  logFile: string;
  execArgv?: string[];
}

/**
 * Every process the bench starts, so that all of them are stopped at the end, on error and on
 * Ctrl-C: SIGTERM, then SIGKILL after a grace period. Each child also has an IPC channel to this
 * process and exits when it closes.
 */
export class ChildProcesses {
  private readonly children = new Map<string, { child: ChildProcess; logFile: string }>();

  start(options: StartOptions): ChildProcess {
    const log = openSync(options.logFile, 'a');
    try {
      const child = fork(options.file, options.args ?? [], {
        env: options.env,
        stdio: ['ignore', log, log, 'ipc'],
        execArgv: options.execArgv ?? [],
      });
      this.children.set(options.name, { child, logFile: options.logFile });
      child.on('error', () => undefined);
      return child;
    } finally {
      closeSync(log);
    }
  }

  /** Starts a child and waits for its first IPC message of `type` (e.g. ready with its port). */
  async startAndWait<M extends ChildMessage>(
    options: StartOptions,
    type = 'ready',
    timeoutMs = 60_000,
  ): Promise<{ child: ChildProcess; message: M }> {
    const child = this.start(options);
    const message = await this.waitForMessage<M>(options.name, type, timeoutMs);
    return { child, message };
  }

  waitForMessage<M extends ChildMessage>(name: string, type: string, timeoutMs: number): Promise<M> {
    const entry = this.children.get(name);
    if (!entry) return Promise.reject(new Error(`no child ${name}`));
    const { child } = entry;
    return new Promise<M>((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new Error(`${name} did not report "${type}" within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onMessage = (message: ChildMessage) => {
        if (message?.type !== type) return;
        cleanup();
        resolve(message as M);
      };
      const onExit = (code: number | null, signal: string | null) =>
        fail(new Error(`${name} exited (${signal ?? `code ${code}`}) before "${type}"`));
      const cleanup = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const fail = (error: Error) => {
        cleanup();
        reject(new Error(`${error.message}\n${this.logTail(name)}`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  }

  pid(name: string): number {
    const pid = this.children.get(name)?.child.pid;
    if (pid === undefined) throw new Error(`${name} is not running`);
    return pid;
  }

  isRunning(name: string): boolean {
    const child = this.children.get(name)?.child;
    return !!child && child.exitCode === null && child.signalCode === null;
  }

  logTail(name: string, lines = 15): string {
    const logFile = this.children.get(name)?.logFile;
    if (!logFile) return '';
    try {
      const text = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      return text ? `--- last lines of ${name}'s log (${logFile}) ---\n${text}` : '';
    } catch {
      return '';
    }
  }

  async stop(name: string, graceMs = 5000): Promise<void> {
    const entry = this.children.get(name);
    if (!entry) return;
    this.children.delete(name);
    const { child } = entry;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    if (child.connected) child.disconnect();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children.keys()].map((name) => this.stop(name)));
  }
}

/** Only PATH and HOME are inherited: a setting exported in the caller's shell (LOG_LEVEL, JWT_*) must not change what is measured. */
export function minimalEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
  if (process.env['HOME']) env['HOME'] = process.env['HOME'];
  return { ...env, ...extra };
}

/** Polls a URL until it answers 200. */
export async function waitForHttp(url: string, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`the process behind ${url} exited`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (${last})`);
}
