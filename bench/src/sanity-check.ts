import type { ChildProcesses } from './processes';
import type { RequestPlans } from './request-plans';
import { PROTECTED_PATH, scenarioInfo } from './scenarios';
import type { RunningTargets } from './start-targets';

/**
 * Every target answers as expected before anything is measured: 200 to each scenario's first
 * request, 401 to an unknown session and to a missing token. A misconfigured target would
 * otherwise be measured answering errors fast.
 */
export async function checkTargetsAnswer(
  scenarioIds: readonly string[],
  targets: RunningTargets,
  plans: RequestPlans,
  children: ChildProcesses,
): Promise<void> {
  const expectStatus = async (id: string, status: number, headers: Record<string, string>, requestPath: string) => {
    const endpoint = targets.endpoint(scenarioInfo(id).target);
    const response = await fetch(`${endpoint.origin}${requestPath}`, { headers });
    await response.arrayBuffer();
    if (response.status !== status)
      throw new Error(
        `sanity check: ${id} answered ${response.status}, expected ${status}\n${children.logTail(endpoint.name)}`,
      );
  };
  for (const id of scenarioIds) {
    const first = plans.firstRequest(id);
    await expectStatus(id, 200, first.headers, first.path);
  }
  if (scenarioIds.includes('session-store'))
    await expectStatus('session-store', 401, { cookie: `sid=${'0'.repeat(43)}` }, PROTECTED_PATH);
  if (scenarioIds.includes('jwt-cached')) await expectStatus('jwt-cached', 401, {}, PROTECTED_PATH);
}
