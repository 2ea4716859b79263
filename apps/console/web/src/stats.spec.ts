import { isSystemStats, StatsLedger, type SystemStats } from './stats';

const snapshot = (ok: number, queries: Record<string, number>, extra: Partial<SystemStats> = {}): SystemStats => ({
  verifications: { ok, rejected: 0 },
  cacheHits: ok,
  cacheMisses: 0,
  authStoreQueries: queries,
  gateways: 2,
  ...extra,
});

describe('StatsLedger', () => {
  it('shows deltas since the page loaded, and puts auth-store queries on the action that caused them', () => {
    const ledger = new StatsLedger();
    ledger.record(snapshot(100, { login: 50, refresh: 40 }));
    for (let i = 1; i <= 20; i += 1) ledger.record(snapshot(100 + i, { login: 50, refresh: 40 }), ['api']);
    ledger.record(snapshot(120, { login: 50, refresh: 44 }), ['refresh']);
    expect(ledger.summary()).toBe('20 API calls, 0 auth-store queries; 1 refresh, 4 queries');
    expect(ledger.delta()).toEqual({
      verifications: { ok: 20, rejected: 0 },
      cacheHits: 20,
      cacheMisses: 0,
      authStoreQueries: { login: 0, refresh: 4 },
      gateways: 2,
    });
  });

  it('copes with new purposes and with nothing measured yet', () => {
    const ledger = new StatsLedger();
    expect(ledger.delta()).toBeUndefined();
    ledger.record(snapshot(0, {}), ['login']);
    ledger.record(snapshot(0, { 'user.find': 3 }), ['login']);
    expect(ledger.delta()?.authStoreQueries).toEqual({ 'user.find': 3 });
    expect(ledger.summary()).toBe('0 API calls, 0 auth-store queries; 2 logins and registrations, 3 queries');
  });

  it('checks the contract', () => {
    expect(isSystemStats(snapshot(1, {}))).toBe(true);
    expect(isSystemStats({ verifications: {} })).toBe(false);
    expect(isSystemStats(null)).toBe(false);
  });
});
