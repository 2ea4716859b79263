import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { bundleOf, Instance, queryKindOf, samplesOf, sumMetric, type ClusterFile } from '@jwt-msa/cluster';
import { getFreePort, startLocalPostgres, type LocalPostgres } from '@jwt-msa/local-postgres';
import { UPSTREAM_NAMES, upstreamUrlsVariable, type ServiceName } from '@jwt-msa/topology';
import {
  expectedFigures,
  MODE_NAMES,
  MODES,
  runScript,
  trafficPlan,
  type Mode,
  type ModeFigures,
  type ModeName,
} from './plan';

export interface ComparisonOptions {
  /** The running cluster whose services the fronts route to (`cluster.json` of npm start or the demo's). */
  cluster: ClusterFile;
  /** Authenticated API calls per mode (the demo ~1000, the e2e suite and the console ~100). */
  calls: number;
  /** Logs of the fronts and the session store's data live here. */
  workDir: string;
  modes?: readonly ModeName[];
  /** One line per step, for a person watching. */
  onProgress?: (line: string) => void;
}

/** An outage after the run: what the same calls got with the store (or, for JWT, the issuer) stopped. */
export interface Outage {
  what: string;
  calls: number;
  failed: number;
}

export interface ModeRun {
  mode: Mode;
  expected: ModeFigures;
  measured: ModeFigures;
  outage?: Outage;
}

const FRONTS = 3;
const OUTAGE_CALLS = 10;

interface Front {
  instance: Instance;
  /** Counter totals read just before it was killed (a dead replica has no /metrics). */
  lastMetrics?: string;
}

async function text(url: string): Promise<string> {
  return (await fetch(url, { signal: AbortSignal.timeout(5000) })).text();
}

/** The total of a counter over metrics texts, over the samples whose labels include `labels`. */
function counted(texts: string[], metric: string, labels: Record<string, string> = {}): number {
  return texts.reduce((sum, body) => {
    const value = sumMetric(body, metric, labels);
    return sum + (Number.isNaN(value) ? 0 : value);
  }, 0);
}

async function authStoreQueries(cluster: ClusterFile): Promise<number> {
  const texts = await Promise.all(cluster.replicas.auth.map((replica) => text(`${replica.url}/metrics`)));
  return texts
    .flatMap((body) => samplesOf(body, 'db_queries_total'))
    .filter((sample) => queryKindOf(sample.labels['purpose']) === 'call')
    .reduce((sum, sample) => sum + sample.value, 0);
}

/**
 * Runs the scripted traffic through each mode's own three fronts (started here, so one can be
 * killed), beside the expected figures computed from the same script against a model.
 */
export async function compareSessionsAndJwt(options: ComparisonOptions): Promise<ModeRun[]> {
  const progress = options.onProgress ?? (() => undefined);
  const plan = trafficPlan(options.calls, FRONTS);
  await mkdir(path.join(options.workDir, 'logs'), { recursive: true });
  const username = `compare-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  const auth = options.cluster.replicas.auth[0]!.url;
  const registered = await fetch(`${auth}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (registered.status !== 201) throw new Error(`registering the comparison's user failed: ${registered.status}`);
  let store: LocalPostgres | undefined;
  const runs: ModeRun[] = [];
  try {
    for (const name of options.modes ?? MODE_NAMES) {
      const mode = MODES[name];
      if (mode.state === 'shared-store' && !store) {
        progress('starting a PostgreSQL of its own for the shared session store...');
        store = await startLocalPostgres({ dataDir: path.join(options.workDir, 'session-store'), ephemeral: true });
        await store.ensureDatabase('sessions');
      }
      progress(
        `${mode.name}: ${FRONTS} fronts (${mode.title}), ${plan.calls} calls, one front killed before call ${plan.killAt + 1}`,
      );
      runs.push(await runMode(mode, { ...options, username, password, store, plan }));
    }
  } finally {
    await store?.stop();
  }
  return runs;
}

interface ModeContext extends ComparisonOptions {
  username: string;
  password: string;
  store: LocalPostgres | undefined;
  plan: ReturnType<typeof trafficPlan>;
}

async function frontEnv(mode: Mode, context: ModeContext, replicationPorts: number[], index: number) {
  const { cluster } = context;
  const upstreams = Object.fromEntries(
    UPSTREAM_NAMES.map((name) => [upstreamUrlsVariable(name), cluster.replicas[name].map((r) => r.url).join(',')]),
  );
  const common = { ...upstreams, ADMIN_PORT: '0', LOG_LEVEL: 'warn', UPSTREAM_EJECT_MS: '1000' };
  if (mode.state === 'token') return { ...common, JWT_ISSUER: cluster.gateways[0]!.url };
  const session = {
    ...common,
    CREDENTIALS_CHECK_SECRET: cluster.credentialsCheckSecret,
    SESSION_STORE: mode.state === 'shared-store' ? 'postgres' : mode.state,
  };
  if (mode.state === 'shared-store') return { ...session, DATABASE_URL: context.store!.url('sessions') };
  if (mode.state === 'replicated') {
    return {
      ...session,
      SESSION_REPLICATION_PORT: String(replicationPorts[index]),
      SESSION_REPLICATION_SECRET: `${cluster.credentialsCheckSecret}-replication`,
      SESSION_PEERS: replicationPorts
        .filter((_, peer) => peer !== index)
        .map((port) => `http://127.0.0.1:${port}`)
        .join(','),
    };
  }
  return session;
}

async function runMode(mode: Mode, context: ModeContext): Promise<ModeRun> {
  const service: ServiceName = mode.state === 'token' ? 'gateway' : 'session-gateway';
  const replicationPorts =
    mode.state === 'replicated' ? await Promise.all(Array.from({ length: FRONTS }, () => getFreePort())) : [];
  const fronts: Front[] = [];
  for (let i = 0; i < FRONTS; i += 1) {
    const name = `${mode.name}-${i + 1}`;
    fronts.push({
      instance: new Instance({
        name,
        service,
        bundle: bundleOf(service),
        env: await frontEnv(mode, context, replicationPorts, i),
        logFile: path.join(context.workDir, 'logs', `${name}.log`),
        onLine: () => undefined,
      }),
    });
  }
  try {
    for (const front of fronts) front.instance.start();
    await Promise.all(fronts.map((front) => front.instance.waitUntilReady(60_000)));
    const expected = await expectedFigures(mode, context.plan);
    const measured = await measure(mode, context, fronts);
    const outage = mode.state === 'shared-store' ? await storeOutage(context, fronts) : undefined;
    return { mode, expected, measured, ...(outage && { outage }) };
  } finally {
    await Promise.all(fronts.map((front) => front.instance.stop()));
  }
}

/** The client: a token or a cookie, whichever the mode's fronts authenticate with. */
class Client {
  private credential: string | undefined;

  constructor(
    private readonly mode: Mode,
    private readonly fronts: Front[],
    private readonly user: { username: string; password: string },
  ) {}

  async login(front: number): Promise<void> {
    const base = this.fronts[front]!.instance.url;
    const token = this.mode.state === 'token';
    const response = await fetch(`${base}${token ? '/auth/login' : '/session/login'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(this.user),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status !== 200)
      throw new Error(`login at ${this.fronts[front]!.instance.name} answered ${response.status}`);
    if (token) {
      this.credential = `Bearer ${((await response.json()) as { access_token: string }).access_token}`;
    } else {
      await response.arrayBuffer();
      this.credential = /^sid=([^;]*)/.exec(response.headers.get('set-cookie') ?? '')?.[0];
    }
  }

  async call(front: number): Promise<number> {
    const header = this.mode.state === 'token' ? 'authorization' : 'cookie';
    try {
      const response = await fetch(`${this.fronts[front]!.instance.url}/api/orders`, {
        headers: this.credential ? { [header]: this.credential } : {},
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }
}

/** Sums a counter's delta over the fronts: the killed one as it stood just before its kill. */
async function frontCounter(fronts: Front[], metric: string, labels: Record<string, string> = {}): Promise<number> {
  const texts = await Promise.all(
    fronts.map((front) =>
      front.instance.running ? text(`${front.instance.adminUrl}/metrics`) : Promise.resolve(front.lastMetrics ?? ''),
    ),
  );
  return counted(texts, metric, labels);
}

async function measure(mode: Mode, context: ModeContext, fronts: Front[]): Promise<ModeFigures> {
  const client = new Client(mode, fronts, { username: context.username, password: context.password });
  let firstLogin = true;
  let lookupsBefore = 0;
  let authBefore = 0;
  const outcome = await runScript(context.plan, mode.routing, {
    login: async (front) => {
      await client.login(front);
      if (firstLogin) {
        // The calls are what is counted: figures start once the client holds its first credential.
        firstLogin = false;
        [lookupsBefore, authBefore] = await Promise.all([
          frontCounter(fronts, 'session_store_lookups_total'),
          authStoreQueries(context.cluster),
        ]);
      }
    },
    call: (front) => client.call(front),
    kill: async (front) => {
      const victim = fronts[front]!;
      victim.lastMetrics = await text(`${victim.instance.adminUrl}/metrics`);
      await victim.instance.stop('SIGKILL');
    },
  });
  const [lookups, copies, authQueries] = await Promise.all([
    frontCounter(fronts, 'session_store_lookups_total'),
    frontCounter(fronts, 'session_copies_sent_total', { outcome: 'ok' }),
    authStoreQueries(context.cluster),
  ]);
  return {
    mode: mode.name,
    ...outcome,
    storeQueries: mode.state === 'token' ? authQueries - authBefore : lookups - lookupsBefore,
    // Every copy these fresh fronts sent, the first login's included, per session written.
    copiesPerLogin: mode.state === 'replicated' ? copies / outcome.logins : 0,
    replicaKilled: fronts.some((front) => !front.instance.running),
  };
}

/** The shared store stopped: each front still runs, and every call with the session fails. */
async function storeOutage(context: ModeContext, fronts: Front[]): Promise<Outage> {
  const client = new Client(MODES['shared-store'], fronts, { username: context.username, password: context.password });
  const live = fronts.map((front, i) => (front.instance.running ? i : -1)).filter((i) => i >= 0);
  await client.login(live[0]!);
  await context.store!.stop();
  let failed = 0;
  for (let i = 0; i < OUTAGE_CALLS; i += 1) {
    const status = await client.call(live[i % live.length]!);
    if (status < 200 || status > 299) failed += 1;
  }
  return { what: 'the session store stopped', calls: OUTAGE_CALLS, failed };
}
