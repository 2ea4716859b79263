import type { ScenarioMeasurer } from './measure';
import { roundOrder } from './scenarios';
import type { RunResult } from './stats';

const pause = () => new Promise((resolve) => setTimeout(resolve, 300));

/** Unmeasured runs, so that the first round does not pay for cold code paths and connection pools. */
export async function warmUp(
  measurer: ScenarioMeasurer,
  scenarioIds: readonly string[],
  warmupS: number,
): Promise<void> {
  if (warmupS <= 0) return;
  // The flood is not warmed up: its JWKS refetch budget is counted from its first measured run.
  for (const id of scenarioIds.filter((scenario) => scenario !== 'jwt-flood')) {
    await measurer.run(id, warmupS, 0);
    await pause();
  }
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
