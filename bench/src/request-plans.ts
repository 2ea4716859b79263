import type { BenchArgs } from './args';
import { SESSIONS, SESSIONS_PER_CONNECTION } from './bench-settings';
import type { LoadRequest } from './load';
import { baseScenarioId, interleave, PROTECTED_PATH, PUBLIC_PATH, sliceFor } from './scenarios';
import type { TokenPools } from './token-pools';

export interface PlannedRequest extends LoadRequest {
  headers: Record<string, string>;
}

/** The requests one connection sends, in rotation (see LoadOptions.requestsFor). */
export type ConnectionPlan = (connection: number) => PlannedRequest[];

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** The scenarios cycling the distinct-token pool, which share one place in it. */
const UNCACHED_SCENARIOS = new Set(['jwt-uncached', 'peer-express-jwt-uncached']);

/** What each scenario sends, per connection; the cache-miss scenario's place in its pool moves on after each run. */
export class RequestPlans {
  private readonly plans: ReadonlyMap<string, ConnectionPlan>;
  /** Each run continues where the previous one stopped in the pool, see `advancePastSent`. */
  private uncachedCursor = 0;

  constructor(
    private readonly tokens: TokenPools,
    sessionIds: readonly string[],
    args: Pick<BenchArgs, 'connections' | 'floodShare'>,
  ) {
    const floodPeriod = Math.round(1 / args.floodShare);
    const cached: ConnectionPlan = () => [{ path: PROTECTED_PATH, headers: bearer(tokens.cached) }];
    const authOff: ConnectionPlan = () => [{ path: PUBLIC_PATH, headers: bearer(tokens.cached) }];
    // A token comes back only after the whole pool has gone by: more than the cache can hold.
    const uncached: ConnectionPlan = (c) =>
      sliceFor(rotate(tokens.pool, this.uncachedCursor), c, args.connections).map((token) => ({
        path: PROTECTED_PATH,
        headers: bearer(token),
      }));
    this.plans = new Map<string, ConnectionPlan>([
      ['auth-off', authOff],
      ['auth-off-log-info', authOff],
      ['auth-off-c10', authOff],
      ['auth-off-c200', authOff],
      ['jwt-cached', cached],
      ['jwt-cached-revocations-100k', cached],
      ['jwt-cached-c10', cached],
      ['jwt-cached-c200', cached],
      ['jwt-uncached', uncached],
      ['peer-express-jwt-uncached', uncached],
      ['peer-express-jwt-cached', cached],
      [
        'jwt-flood',
        (c) =>
          interleave<PlannedRequest>(
            { path: PROTECTED_PATH, headers: bearer(tokens.cached) },
            sliceFor(tokens.flood, c, args.connections).map((token) => ({
              path: PROTECTED_PATH,
              headers: bearer(token),
            })),
            floodPeriod,
          ),
      ],
      [
        'session-store',
        (c) =>
          sliceFor(sessionIds, c, Math.ceil(SESSIONS / SESSIONS_PER_CONNECTION)).map((id) => ({
            path: PROTECTED_PATH,
            headers: { cookie: `sid=${id}` },
          })),
      ],
      ['plain-proxy', cached],
      ['direct', cached],
    ]);
  }

  /** The plan of a scenario (a "[B]" twin sends what its A scenario sends). */
  planFor(scenarioId: string): ConnectionPlan {
    const plan = this.plans.get(baseScenarioId(scenarioId));
    if (!plan) throw new Error(`no request plan for scenario "${scenarioId}"`);
    return plan;
  }

  /** What the first connection sends first: the sanity check's request. */
  firstRequest(scenarioId: string): PlannedRequest {
    const [first] = this.planFor(scenarioId)(0);
    if (!first) throw new Error(`scenario "${scenarioId}" has no request to send`);
    return first;
  }

  /** After a run of `responses` responses, so the cache-miss scenario's next run starts on tokens not just used. */
  advancePastSent(scenarioId: string, responses: number): void {
    // A quarter more than were sent: connections that ran ahead of the average do not start on tokens they just used.
    if (UNCACHED_SCENARIOS.has(baseScenarioId(scenarioId)))
      this.uncachedCursor = (this.uncachedCursor + Math.ceil(responses * 1.25)) % this.tokens.pool.length;
  }
}

/** The list starting at `offset` and wrapping around. */
function rotate<T>(items: readonly T[], offset: number): T[] {
  const at = items.length === 0 ? 0 : offset % items.length;
  return [...items.slice(at), ...items.slice(0, at)];
}
