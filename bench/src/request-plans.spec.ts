import { RequestPlans } from './request-plans';
import { PROTECTED_PATH, PUBLIC_PATH } from './scenarios';
import type { TokenPools } from './token-pools';

const tokens: TokenPools = {
  cached: 'cached',
  pool: Array.from({ length: 10 }, (_, i) => `pool-${i}`),
  flood: ['flood-0', 'flood-1', 'flood-2', 'flood-3'],
};
const tokensOf = (requests: ReadonlyArray<{ headers: Record<string, string> }>) =>
  requests.map((request) => request.headers['authorization']);

describe('request plans', () => {
  it('send the cached token, to the public route for auth-off and to the protected one otherwise', () => {
    const plans = new RequestPlans(tokens, [], { connections: 2, floodShare: 0.5 });
    expect(plans.planFor('auth-off')(0)).toEqual([{ path: PUBLIC_PATH, headers: { authorization: 'Bearer cached' } }]);
    expect(plans.firstRequest('jwt-cached')).toEqual({
      path: PROTECTED_PATH,
      headers: { authorization: 'Bearer cached' },
    });
    expect(plans.planFor('jwt-cached@B')(1)).toEqual(plans.planFor('jwt-cached')(1));
    expect(() => plans.planFor('no-such-scenario')).toThrow('no request plan for scenario "no-such-scenario"');
  });

  it('split the pool across connections, and start the next cache-miss run a quarter past the responses', () => {
    const plans = new RequestPlans(tokens, [], { connections: 2, floodShare: 0.5 });
    expect(tokensOf(plans.planFor('jwt-uncached')(1))).toEqual([1, 3, 5, 7, 9].map((i) => `Bearer pool-${i}`));
    plans.advancePastSent('jwt-uncached', 4);
    expect(plans.firstRequest('jwt-uncached').headers['authorization']).toBe('Bearer pool-5');
    plans.advancePastSent('jwt-uncached@B', 5);
    expect(plans.firstRequest('jwt-uncached').headers['authorization']).toBe('Bearer pool-2');
    plans.advancePastSent('jwt-cached', 1000);
    expect(plans.firstRequest('jwt-uncached').headers['authorization']).toBe('Bearer pool-2');
  });

  it('interleave one flood token per period, and sessions per connection', () => {
    const plans = new RequestPlans(tokens, ['s0', 's1', 's2'], { connections: 2, floodShare: 0.5 });
    expect(tokensOf(plans.planFor('jwt-flood')(0))).toEqual([
      'Bearer cached',
      'Bearer flood-0',
      'Bearer cached',
      'Bearer flood-2',
    ]);
    expect(
      plans
        .planFor('session-store')(1)
        .map((request) => request.headers['cookie']),
    ).toEqual(['sid=s1']);
    expect(() =>
      new RequestPlans(tokens, [], { connections: 2, floodShare: 0.1 }).firstRequest('session-store'),
    ).toThrow('scenario "session-store" has no request to send');
  });
});
