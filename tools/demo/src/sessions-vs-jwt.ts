import type { ClusterFile } from '@jwt-msa/cluster';
import { compareSessionsAndJwt, type ModeFigures, type ModeRun } from '@jwt-msa/sessions-vs-jwt';

const COLUMNS: Array<[keyof ModeFigures, string]> = [
  ['requests', 'calls'],
  ['failed', 'failed'],
  ['storeQueries', 'store queries'],
  ['logins', 'logins'],
  ['copiesPerLogin', 'copies/login'],
];

const figure = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

/** One row: each figure as measured, with the expected one beside it when they differ. */
function row(run: ModeRun): string {
  const cells = COLUMNS.map(([key]) => {
    const measured = figure(run.measured[key] as number);
    const expected = figure(run.expected[key] as number);
    return (measured === expected ? measured : `${measured} (expected ${expected})`).padStart(14);
  });
  return `  ${run.mode.name.padEnd(19)}${cells.join('')}`;
}

/**
 * "Sessions vs JWT": the same scripted traffic through the JWT gateway and through the session
 * gateway with each store, three fronts each, one killed half-way, the demo as the load balancer.
 */
export async function sessionsVsJwt(
  print: (line?: string) => void,
  options: { cluster: ClusterFile; calls: number; workDir: string },
): Promise<ModeFigures[]> {
  print();
  print(`== 7. Sessions vs JWT, side by side ${'='.repeat(38)}`);
  print(`Each mode: 3 fronts, log in, ${options.calls} authenticated calls, one front killed half-way; the demo is`);
  print('the load balancer (round-robin, or sticky to the front that made the session) and logs in again after a 401.');
  const runs = await compareSessionsAndJwt({ ...options, onProgress: (line) => print(`  ... ${line}`) });
  print();
  print(`  ${'mode'.padEnd(19)}${COLUMNS.map(([, title]) => title.padStart(14)).join('')}`);
  for (const run of runs) print(row(run));
  print();
  const mismatches = runs.filter((run) =>
    COLUMNS.some(([key]) => figure(run.measured[key] as number) !== figure(run.expected[key] as number)),
  );
  print(
    mismatches.length === 0
      ? 'Every figure measured is the one the plan predicts (store queries: session lookups; for jwt: auth-store queries).'
      : `Measured differs from the plan for ${mismatches.map((run) => run.mode.name).join(', ')}: see the figures in brackets.`,
  );
  for (const run of runs) {
    if (run.outage) {
      print(
        `${run.mode.name}: with ${run.outage.what}, ${run.outage.failed} of ${run.outage.calls} calls failed (chapter 5: with the auth service stopped, the JWT calls kept being served).`,
      );
    }
  }
  print('jwt: nothing to copy, nothing to look up; memory: the session lives where it was made; sticky: until that');
  print(
    'front dies; replicated: N-1 copies of every session write; shared store: one query per call, a new single point.',
  );
  return runs.map((run) => run.measured);
}
