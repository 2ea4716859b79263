import type { ScenarioMeasurer } from './measure';
import { roundOrder, scenarioInfo, type Target } from './scenarios';
import type { RunResult } from './stats';

const pause = () => new Promise((resolve) => setTimeout(resolve, 300));

/**
 * Unmeasured runs, so that no round pays for cold code paths and connection pools. Every serving
 * process gets the same amount of warm-up load: `warmupS` per scenario of the process that serves
 * the most of them, the extra on its first scenario. A process serving one scenario (the
 * revocation gateway, the info-logging one, the peer, the session gateway) would otherwise still be
 * reaching its steady state (JIT tiers, heap sizing) in the rounds where the main gateway, warmed by
 * every scenario it serves, has reached it (measured here: after 2 s of warm-up a process used
 * 40-70% more CPU per request in round 1 than in round 3; after 8 s, no trend).
 */
export async function warmUp(
  measurer: ScenarioMeasurer,
  scenarioIds: readonly string[],
  warmupS: number,
): Promise<void> {
  if (warmupS <= 0) return;
  // The flood is not warmed up: its JWKS refetch budget is counted from its first measured run.
  const warmed = scenarioIds.filter((scenario) => scenario !== 'jwt-flood');
  for (const { id, seconds } of warmUpPlan(warmed, warmupS)) {
    await measurer.run(id, seconds, 0);
    await pause();
  }
}

/** The warm-up runs: each scenario once, a process's first one long enough to even the processes out. */
export function warmUpPlan(scenarioIds: readonly string[], warmupS: number): Array<{ id: string; seconds: number }> {
  const byTarget = new Map<Target, string[]>();
  for (const id of scenarioIds) {
    const target = scenarioInfo(id).target;
    byTarget.set(target, [...(byTarget.get(target) ?? []), id]);
  }
  const perProcessS = Math.max(0, ...[...byTarget.values()].map((ids) => ids.length)) * warmupS;
  return scenarioIds.map((id) => {
    const ids = byTarget.get(scenarioInfo(id).target)!;
    return { id, seconds: id === ids[0] ? perProcessS - (ids.length - 1) * warmupS : warmupS };
  });
}

/** Each round runs every scenario once, in a different order each round (see roundOrder). */
export async function measureRounds(
  measurer: ScenarioMeasurer,
  scenarioIds: readonly string[],
  rounds: number,
  durationS: number,
  onRun: (run: RunResult) => void,
): Promise<RunResult[]> {
  const runs: RunResult[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    for (const id of roundOrder(scenarioIds, round - 1)) {
      const run = await measurer.run(id, durationS, round);
      runs.push(run);
      onRun(run);
      await pause();
    }
  }
  return runs;
}
