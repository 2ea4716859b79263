/** The five ways of running the front tier that the comparison drives the same traffic through. */
export const MODE_NAMES = ['jwt', 'memory-round-robin', 'memory-sticky', 'replicated', 'shared-store'] as const;
export type ModeName = (typeof MODE_NAMES)[number];

/** How a mode's front tier keeps (or does not keep) who the caller is. */
export type CallerState = 'token' | 'memory' | 'replicated' | 'shared-store';
export type Routing = 'round-robin' | 'sticky';

export interface Mode {
  readonly name: ModeName;
  /** What the front replicas are: the JWT gateway, or the session gateway with this store. */
  readonly state: CallerState;
  readonly routing: Routing;
  readonly title: string;
}

export const MODES: Readonly<Record<ModeName, Mode>> = {
  jwt: { name: 'jwt', state: 'token', routing: 'round-robin', title: 'JWT gateways, round-robin' },
  'memory-round-robin': {
    name: 'memory-round-robin',
    state: 'memory',
    routing: 'round-robin',
    title: 'sessions in each replica, round-robin',
  },
  'memory-sticky': {
    name: 'memory-sticky',
    state: 'memory',
    routing: 'sticky',
    title: 'sessions in each replica, sticky',
  },
  replicated: { name: 'replicated', state: 'replicated', routing: 'sticky', title: 'replicated sessions, sticky' },
  'shared-store': {
    name: 'shared-store',
    state: 'shared-store',
    routing: 'round-robin',
    title: 'sessions in a shared PostgreSQL, round-robin',
  },
};

/** The scripted traffic: log in, `calls` authenticated calls over `replicas` fronts, one killed at `killAt`. */
export interface TrafficPlan {
  replicas: number;
  calls: number;
  /** The call before which a front replica is killed (half-way). */
  killAt: number;
}

export function trafficPlan(calls: number, replicas = 3): TrafficPlan {
  return { replicas, calls, killAt: Math.floor(calls / 2) };
}

/** What one mode's run counted; `storeQueries` are session-store lookups (for `jwt`: auth-store queries). */
export interface ModeFigures {
  mode: ModeName;
  /** API calls made. */
  requests: number;
  /** Calls that did not get a 2xx. */
  failed: number;
  storeQueries: number;
  /** Logins the client needed (the first included). */
  logins: number;
  /** Copies sent to peers per session write (0 where nothing is copied). */
  copiesPerLogin: number;
  /** A front replica was killed during the run. */
  replicaKilled: boolean;
}

/**
 * The demo acting as the load balancer: round-robin over the live fronts, or sticky to the front
 * that created the session (and, once that one is gone, round-robin to a live one, which the
 * client then sticks to). A killed front leaves the rotation at once, as after a health check.
 */
export class Balancer {
  private readonly live: boolean[];
  private next = 0;
  private sticky: number | undefined;

  constructor(
    replicas: number,
    private readonly routing: Routing,
  ) {
    this.live = Array.from({ length: replicas }, () => true);
  }

  /** The front the next request goes to. */
  pick(): number {
    if (this.routing === 'sticky' && this.sticky !== undefined && this.live[this.sticky]) return this.sticky;
    for (let tried = 0; tried < this.live.length; tried += 1) {
      const candidate = this.next;
      this.next = (this.next + 1) % this.live.length;
      if (this.live[candidate]) {
        if (this.routing === 'sticky' && this.sticky !== undefined) this.sticky = candidate;
        return candidate;
      }
    }
    throw new Error('no front replica is left');
  }

  /** A login was answered by this front: a sticky client stays with it. */
  loggedInAt(front: number): void {
    if (this.routing === 'sticky') this.sticky = front;
  }

  /** The front to kill half-way: the session's own one when sticky (the case stickiness cannot save), else the second. */
  victim(): number {
    return this.routing === 'sticky' && this.sticky !== undefined ? this.sticky : 1 % this.live.length;
  }

  kill(front: number): void {
    this.live[front] = false;
  }
}

/**
 * The client's script, against any fronts: log in, then make the calls, logging in again after a
 * 401; the victim is killed before call `killAt`. Both the expected figures (against a model of
 * where each mode keeps the session) and the measured ones (against real replicas) come from it.
 */
export interface Fronts {
  login(front: number): Promise<void>;
  /** The status of one authenticated API call. */
  call(front: number): Promise<number>;
  kill(front: number): Promise<void>;
}

export interface ScriptOutcome {
  requests: number;
  failed: number;
  logins: number;
}

export async function runScript(plan: TrafficPlan, routing: Routing, fronts: Fronts): Promise<ScriptOutcome> {
  const balancer = new Balancer(plan.replicas, routing);
  const login = async () => {
    const front = balancer.pick();
    await fronts.login(front);
    balancer.loggedInAt(front);
  };
  await login();
  let logins = 1;
  let failed = 0;
  for (let i = 0; i < plan.calls; i += 1) {
    if (i === plan.killAt) {
      const victim = balancer.victim();
      balancer.kill(victim);
      await fronts.kill(victim);
    }
    const status = await fronts.call(balancer.pick());
    if (status < 200 || status > 299) failed += 1;
    if (status === 401) {
      await login();
      logins += 1;
    }
  }
  return { requests: plan.calls, failed, logins };
}

/**
 * Where each mode's session lives, as a model: a token is good on every front; a memory session
 * only on the front that made it; a replicated one on every front alive when it was made; a
 * shared-store one on every front. Every call with a session costs one store lookup.
 */
export async function expectedFigures(mode: Mode, plan: TrafficPlan): Promise<ModeFigures> {
  let knownOn = new Set<number>();
  let lookups = 0;
  const alive = new Set(Array.from({ length: plan.replicas }, (_, i) => i));
  const outcome = await runScript(plan, mode.routing, {
    login: async (front) => {
      knownOn = mode.state === 'memory' ? new Set([front]) : new Set(alive);
    },
    call: async (front) => {
      if (mode.state !== 'token') lookups += 1;
      const known = mode.state === 'memory' || mode.state === 'replicated' ? knownOn.has(front) : true;
      return known ? 200 : 401;
    },
    kill: async (front) => {
      alive.delete(front);
    },
  });
  return {
    mode: mode.name,
    ...outcome,
    storeQueries: lookups,
    copiesPerLogin: mode.state === 'replicated' ? plan.replicas - 1 : 0,
    replicaKilled: true,
  };
}
