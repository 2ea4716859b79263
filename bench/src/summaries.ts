import { summarize, type RunResult, type ScenarioSummary } from './stats';

/** The medians per scenario (stats.summarize), looked up by scenario id; auth-off is the baseline. */
export class ScenarioSummaries {
  readonly list: readonly ScenarioSummary[];
  private readonly byId: ReadonlyMap<string, ScenarioSummary>;

  constructor(runs: readonly RunResult[]) {
    this.list = summarize(runs);
    this.byId = new Map(this.list.map((summary) => [summary.scenario, summary]));
  }

  get(scenarioId: string): ScenarioSummary | undefined {
    return this.byId.get(scenarioId);
  }

  rps(scenarioId: string): number | undefined {
    return this.byId.get(scenarioId)?.rps;
  }

  cpuUsPerReq(scenarioId: string): number | undefined {
    return this.byId.get(scenarioId)?.cpuUsPerReq;
  }

  get baselineRps(): number | undefined {
    return this.rps('auth-off');
  }

  get baselineCpuUsPerReq(): number | undefined {
    return this.cpuUsPerReq('auth-off');
  }

  /** The session store's full cost per request: its gateway's CPU plus PostgreSQL's. */
  get sessionStoreCpuUsPerReq(): number | undefined {
    const session = this.byId.get('session-store');
    return session && session.cpuUsPerReq + (session.storeCpuUsPerReq ?? 0);
  }
}
