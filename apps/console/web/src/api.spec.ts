import { describeOutcome, newUuid, notOffered, unreachable, type CallRecord } from './api';
import { comparisonOf, comparisonRunOf, revocationLagOf, sessionsOf } from './contracts';

const headers = (entries: Record<string, string>) => new Headers(entries);

describe('describeOutcome', () => {
  it('reads a 401 from its WWW-Authenticate challenge', () => {
    const challenge =
      'Bearer realm="jwt-msa", error="invalid_token", error_description="The token signature is invalid"';
    expect(describeOutcome(401, headers({ 'www-authenticate': challenge }), { error: 'invalid_token' })).toMatch(
      /^The token was refused: The token signature is invalid\./,
    );
  });

  it('uses the error body otherwise, and names an unreachable system', () => {
    expect(
      describeOutcome(401, headers({}), { error: 'invalid_grant', message: 'The refresh token is not valid' }),
    ).toBe('invalid_grant: The refresh token is not valid');
    expect(describeOutcome(503, headers({}), { error: 'upstream_unavailable' })).toBe(
      'The system is unavailable (503 upstream_unavailable)',
    );
    expect(describeOutcome(null, undefined, undefined)).toBe('No answer: the gateway cannot be reached');
    expect(describeOutcome(418, headers({}), 'teapot')).toBe('HTTP 418');
    expect(describeOutcome(200, headers({}), {})).toBe('');
  });

  it('tells "not offered yet" from "unreachable"', () => {
    const record = (status: number | null) => ({ status }) as CallRecord;
    expect([404, 501, 500, 200].map((s) => notOffered(record(s)))).toEqual([true, true, false, false]);
    expect([null, 502, 503, 504, 404].map((s) => unreachable(record(s)))).toEqual([true, true, true, true, false]);
  });
});

describe('newUuid', () => {
  it('makes a fresh v4 UUID each time', () => {
    const ids = new Set(Array.from({ length: 50 }, newUuid));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('the contracts of parts 6-8', () => {
  it('accepts the documented shapes and refuses others', () => {
    const family = {
      id: 'f1',
      createdAt: '2026-01-01T00:00:00Z',
      lastRotatedAt: null,
      revokedAt: '2026-01-01T00:05:00Z',
      revokedReason: 'reuse',
      current: true,
    };
    expect(sessionsOf({ sessions: [family] })).toEqual([family]);
    expect(sessionsOf({ sessions: [{ id: 1 }] })).toBeUndefined();
    expect(sessionsOf({ error: 'not_found' })).toBeUndefined();
    expect(revocationLagOf({ gateways: [{ instance: 'gateway-1', refusedAfterMs: 85 }], maxMs: 85 })).toEqual({
      gateways: [{ instance: 'gateway-1', refusedAfterMs: 85 }],
      maxMs: 85,
    });
    expect(revocationLagOf({ gateways: 'x' })).toBeUndefined();
    const mode = {
      mode: 'jwt',
      requests: 10,
      failed: 0,
      storeQueries: 0,
      logins: 1,
      copiesPerLogin: 0,
      replicaKilled: true,
    };
    expect(comparisonOf({ modes: [mode] })).toEqual([mode]);
    expect(comparisonOf({ modes: [{ mode: 'jwt' }] })).toBeUndefined();
    expect(comparisonOf(null)).toBeUndefined();
    expect(comparisonRunOf({ id: 'r1', state: 'running', progress: 'jwt: 3 fronts' })).toEqual({
      id: 'r1',
      state: 'running',
      progress: 'jwt: 3 fronts',
    });
    expect(comparisonRunOf({ id: 'r1', state: 'done', modes: [mode] })).toEqual({
      id: 'r1',
      state: 'done',
      modes: [mode],
    });
    expect(comparisonRunOf({ id: 'r1', state: 'done', modes: [{ mode: 'jwt' }] })).toBeUndefined();
    expect(comparisonRunOf({ id: 'r1', state: 'paused' })).toBeUndefined();
    expect(comparisonRunOf({ error: 'not_found' })).toBeUndefined();
  });
});
