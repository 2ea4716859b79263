import { samplesOf, sumMetric } from './metrics-text';

describe('Prometheus text', () => {
  const text = [
    '# HELP gateway_token_verifications_total x',
    'gateway_token_verifications_total{service="gateway",outcome="ok"} 120',
    'gateway_token_verifications_total{service="gateway",outcome="unknown_kid"} 7',
    'gateway_token_verifications_total_extra{outcome="ok"} 999',
    'gateway_jwks_fetches_total{outcome="ok"} 3',
    'gateway_jwks_fetches_total{outcome="error"} 1',
    'process_uptime_seconds 42',
  ].join('\n');

  it('sums the samples matching the labels, NaN when the metric is absent', () => {
    expect(sumMetric(text, 'gateway_token_verifications_total', { outcome: 'ok' })).toBe(120);
    expect(sumMetric(text, 'gateway_token_verifications_total')).toBe(127);
    expect(sumMetric(text, 'gateway_jwks_fetches_total')).toBe(4);
    expect(sumMetric(text, 'gateway_verified_token_cache_total', { result: 'hit' })).toBeNaN();
  });

  it('reads labels and unlabelled samples', () => {
    expect(samplesOf(text, 'gateway_jwks_fetches_total')).toEqual([
      { labels: { outcome: 'ok' }, value: 3 },
      { labels: { outcome: 'error' }, value: 1 },
    ]);
    expect(samplesOf(text, 'process_uptime_seconds')).toEqual([{ labels: {}, value: 42 }]);
  });
});
