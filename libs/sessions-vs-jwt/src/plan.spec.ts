import { Balancer, expectedFigures, MODE_NAMES, MODES, trafficPlan } from './plan';

describe('the expected figures, from the script against a model of where each mode keeps the session', () => {
  const plan = trafficPlan(100);

  it.each([
    ['jwt', { failed: 0, storeQueries: 0, logins: 1, copiesPerLogin: 0 }],
    // The login landed on one front, the next call on another: every call misses, every miss logs in again.
    ['memory-round-robin', { failed: 100, storeQueries: 100, logins: 101, copiesPerLogin: 0 }],
    ['memory-sticky', { failed: 1, storeQueries: 100, logins: 2, copiesPerLogin: 0 }],
    ['replicated', { failed: 0, storeQueries: 100, logins: 1, copiesPerLogin: 2 }],
    ['shared-store', { failed: 0, storeQueries: 100, logins: 1, copiesPerLogin: 0 }],
  ] as const)('%s', async (mode, figures) => {
    expect(await expectedFigures(MODES[mode], plan)).toEqual({
      mode,
      requests: 100,
      replicaKilled: true,
      ...figures,
    });
  });

  it('covers the five modes, killing a front half-way', () => {
    expect(MODE_NAMES).toEqual(['jwt', 'memory-round-robin', 'memory-sticky', 'replicated', 'shared-store']);
    expect(plan.killAt).toBe(50);
  });
});

describe('the balancer', () => {
  it('goes round the live fronts, and a sticky client follows its session to a live one when its front is gone', () => {
    const roundRobin = new Balancer(3, 'round-robin');
    expect([0, 1, 2, 3].map(() => roundRobin.pick())).toEqual([0, 1, 2, 0]);
    roundRobin.kill(1);
    expect([0, 1, 2].map(() => roundRobin.pick())).toEqual([2, 0, 2]);
    const sticky = new Balancer(3, 'sticky');
    sticky.loggedInAt(sticky.pick());
    expect([sticky.pick(), sticky.pick(), sticky.victim()]).toEqual([0, 0, 0]);
    sticky.kill(0);
    expect([sticky.pick(), sticky.pick()]).toEqual([1, 1]);
  });
});
