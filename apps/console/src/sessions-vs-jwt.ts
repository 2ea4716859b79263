import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpError, NotFoundError, ValidationError } from '@jwt-msa/http-errors';
import type { Logger } from '@jwt-msa/service-defaults';

/** One mode's figures, as the runner measured them (libs/sessions-vs-jwt's ModeFigures). */
export interface ComparedMode {
  mode: string;
  requests: number;
  failed: number;
  storeQueries: number;
  logins: number;
  copiesPerLogin: number;
  replicaKilled: boolean;
}

/** GET /console/api/sessions-vs-jwt/:id */
export interface ComparisonView {
  id: string;
  state: 'running' | 'done' | 'failed';
  /** The runner's latest progress line, while it runs. */
  progress?: string;
  modes?: ComparedMode[];
  error?: string;
}

export interface ComparisonRunsOptions {
  /** The runner bundle; '' = this console cannot run the comparison. */
  runner: string;
  clusterFile: string;
  timeoutMs: number;
  /** How long a finished run's figures stay readable. */
  keepMs: number;
  logger: Logger;
}

export const CALLS = { min: 20, max: 200, default: 100 } as const;
/** Finished runs kept at most (besides the time bound), so repeated runs cannot grow memory. */
const KEPT_RUNS = 10;
/** What is kept of the runner's output: its one JSON line is a few hundred bytes. */
const MAX_OUTPUT_BYTES = 64 * 1024;
const KILL_GRACE_MS = 5000;

interface Run {
  view: ComparisonView;
  finishedAt?: number;
  child?: ChildProcess;
  exited?: Promise<void>;
  /** Shutdown asked for it, perhaps before the child was spawned: it is stopped as soon as it exists. */
  stopRequested?: boolean;
}

/** The body's call count (absent = the default), or a 400 saying the bounds. */
export function callsOf(body: unknown): number {
  const calls = typeof body === 'object' && body !== null ? (body as { calls?: unknown }).calls : undefined;
  if (calls === undefined) return CALLS.default;
  if (typeof calls !== 'number' || !Number.isInteger(calls) || calls < CALLS.min || calls > CALLS.max)
    throw new ValidationError(`"calls" must be an integer from ${CALLS.min} to ${CALLS.max}`);
  return calls;
}

function modesOf(stdout: string): ComparedMode[] | undefined {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    const parsed = JSON.parse(line) as { modes?: unknown };
    const modes = parsed.modes;
    return Array.isArray(modes) &&
      modes.every((m) => typeof m === 'object' && m !== null && typeof (m as ComparedMode).mode === 'string')
      ? (modes as ComparedMode[])
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The sessions-vs-JWT comparison, run by the console as a child process: the comparison starts
 * fronts and a PostgreSQL of its own (which this server never does itself), and takes longer
 * than the gateway lets one request last (UPSTREAM_TIMEOUT_MS), so a POST starts it and the page
 * polls. One run at a time (each starts 15 processes); each bounded in time; finished ones kept
 * for a while, then forgotten.
 */
export class ComparisonRuns {
  private readonly runs = new Map<string, Run>();
  private running: Run | undefined;

  constructor(private readonly options: ComparisonRunsOptions) {}

  start(calls: number): ComparisonView {
    if (!this.options.runner)
      throw new HttpError(
        501,
        'not_available',
        'The sessions-vs-JWT comparison starts processes of its own (fronts and a PostgreSQL) beside a local cluster: it runs beside “npm start” only',
      );
    if (!this.options.clusterFile)
      throw new HttpError(
        501,
        'not_available',
        'The console has no cluster file (CLUSTER_FILE) to run the comparison against',
      );
    if (this.running)
      throw new HttpError(409, 'comparison_running', `A comparison is already running: ${this.running.view.id}`, {
        Location: `/console/api/sessions-vs-jwt/${this.running.view.id}`,
      });
    this.forgetOld();
    const run: Run = { view: { id: randomUUID(), state: 'running' } };
    this.runs.set(run.view.id, run);
    this.running = run;
    run.exited = this.execute(run, calls);
    return { ...run.view };
  }

  get(id: string): ComparisonView {
    this.forgetOld();
    const run = this.runs.get(id);
    if (!run) throw new NotFoundError(`No comparison ${id} (finished ones are kept ${this.options.keepMs / 1000} s)`);
    return { ...run.view };
  }

  /** On shutdown: the running child (and, through it, the processes it started) is stopped. */
  async stop(): Promise<void> {
    const run = this.running;
    if (!run) return;
    run.stopRequested = true;
    run.child?.kill('SIGTERM');
    await run.exited;
  }

  private async execute(run: Run, calls: number): Promise<void> {
    const { runner, clusterFile, timeoutMs, logger } = this.options;
    let workDir: string | undefined;
    let stdout = '';
    let stderrTail = '';
    let timedOut = false;
    try {
      workDir = await mkdtemp(path.join(tmpdir(), 'console-sessions-vs-jwt-'));
      const child = spawn(
        process.execPath,
        [runner, '--cluster-file', clusterFile, '--calls', String(calls), '--work-dir', workDir],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      run.child = child;
      if (run.stopRequested) child.kill('SIGTERM');
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        if (stdout.length < MAX_OUTPUT_BYTES) stdout += chunk;
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderrTail = (stderrTail + chunk).slice(-MAX_OUTPUT_BYTES);
        const line = stderrTail.trim().split('\n').at(-1);
        if (line) run.view.progress = line;
      });
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
      }, timeoutMs);
      const exit = await new Promise<{ code: number | null; signal?: NodeJS.Signals | null; error?: Error }>(
        (resolve) => {
          child.once('error', (error) => resolve({ code: null, error }));
          child.once('close', (code, signal) => resolve({ code, signal }));
        },
      );
      clearTimeout(timer);
      const modes = exit.code === 0 ? modesOf(stdout) : undefined;
      if (modes) {
        run.view = { id: run.view.id, state: 'done', modes };
      } else {
        const said = stderrTail.trim().split('\n').at(-1);
        const error = timedOut
          ? `The comparison did not finish within ${timeoutMs / 1000} s and was stopped`
          : exit.error
            ? `The runner could not start: ${exit.error.message}`
            : exit.signal
              ? `The runner was stopped (${exit.signal})`
              : exit.code === 0
                ? 'The runner printed no figures'
                : `The runner failed${said ? `: ${said}` : ` (exit code ${exit.code})`}`;
        run.view = { id: run.view.id, state: 'failed', error };
        logger.warn({ runner, error }, 'sessions-vs-JWT comparison failed');
      }
    } catch (error) {
      run.view = {
        id: run.view.id,
        state: 'failed',
        error: `The comparison could not run: ${(error as Error).message}`,
      };
    } finally {
      run.finishedAt = Date.now();
      delete run.child;
      this.running = undefined;
      if (workDir) await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  private forgetOld(): void {
    const now = Date.now();
    const finished = [...this.runs.values()].filter((run) => run.finishedAt !== undefined);
    finished.forEach((run, index) => {
      if (now - run.finishedAt! > this.options.keepMs || index < finished.length - KEPT_RUNS)
        this.runs.delete(run.view.id);
    });
  }
}
