import type { ScenarioMeasurer } from './measure';
import { roundOrder, scenarioInfo, type Target } from './scenarios';
import type { RunResult } from './stats';

const pause = () => new Promise((resolve) => setTimeout(resolve, 300));

/**
 * Unmeasured runs, so that no round pays for cold code paths and connection pools: every serving
 * process gets `warmupS` seconds of load, split over the scenarios it serves. A gateway reaches its
 * steady cost per request only after ~20 s of load (JIT tiers, heap sizing). Measured with 14 s
 * for each process: the revocation gateway went 1,080 -> 813 -> 695 -> 631 -> 652 µs per request
 * over five rounds and the info-logging one 720 -> 590, while the main gateway, which all its other
 * scenarios keep warming, stayed within the noise; the comparisons with it were the process's age.
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

/** The warm-up runs: each scenario once, for its process's share of `warmupS` seconds. */
export function warmUpPlan(scenarioIds: readonly string[], warmupS: number): Array<{ id: string; seconds: number }> {
  const served = new Map<Target, number>();
  for (const id of scenarioIds) {
    const target = scenarioInfo(id).target;
    served.set(target, (served.get(target) ?? 0) + 1);
  }
  return scenarioIds.map((id) => ({ id, seconds: warmupS / served.get(scenarioInfo(id).target)! }));
}

/**
 * Each round runs every scenario once, in a different order each round (see roundOrder), each
 * measured run right after `rewarmS` seconds of unmeasured load on the same process. Without it,
 * a process serving one scenario sat idle for most of a round (~20 s with 9 scenarios) before each
 * of its runs, while the main gateway was loaded every few seconds; --trace-gc shows V8's memory
 * reducer compacting and shrinking such an idle heap ("Mark-Compact (reduce)"), which the next
 * seconds of load pay for. Seen on the revocation gateway: its first measured run cost 188 and
 * 215 µs per request in two runs against 155-171 for its later ones; with a 1 s re-warm, 161-165
 * every round. Every scenario gets the same re-warm, so no process is favoured.
 */
export async function measureRounds(
  measurer: ScenarioMeasurer,
  scenarioIds: readonly string[],
  options: { rounds: number; durationS: number; rewarmS: number },
  onRun: (run: RunResult) => void,
): Promise<RunResult[]> {
  const runs: RunResult[] = [];
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const id of roundOrder(scenarioIds, round - 1)) {
      if (options.rewarmS > 0) await measurer.run(rewarmScenarioOf(id), options.rewarmS, 0);
      const run = await measurer.run(id, options.durationS, round);
      runs.push(run);
      onRun(run);
      await pause();
    }
  }
  return runs;
}

/**
 * The flood re-warms its gateway with valid cached tokens only: its unknown kids would spend the
 * JWKS refetch budget that its measured runs are judged against.
 */
export function rewarmScenarioOf(scenarioId: string): string {
  return scenarioId === 'jwt-flood' ? 'jwt-cached' : scenarioId;
}
