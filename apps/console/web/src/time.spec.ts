import { formatCountdown, formatEpoch, formatRelative, refreshLeadSeconds } from './time';

describe('formatCountdown', () => {
  it.each([
    [900, '15:00'],
    [899.2, '15:00'],
    [61, '1:01'],
    [59.5, '1:00'],
    [1, '0:01'],
    [0.2, '0:01'],
    [3725, '1:02:05'],
    [0, 'expired 0 s ago'],
    [-12.7, 'expired 12 s ago'],
    [-185, 'expired 3:05 ago'],
  ])('%s s left reads %j', (seconds, text) => {
    expect(formatCountdown(seconds)).toBe(text);
  });
});

describe('formatRelative', () => {
  it.each([
    [0.3, 'just now'],
    [30, 'in 30 s'],
    [-30, '30 s ago'],
    [840, 'in 14 min'],
    [-7500, '2 h 5 min ago'],
    [7200, 'in 2 h'],
    [-4 * 86_400, '4 d ago'],
  ])('%s s reads %j', (seconds, text) => {
    expect(formatRelative(seconds)).toBe(text);
  });
});

describe('formatEpoch and the refresh lead', () => {
  it('prints a NumericDate as a local date and time', () => {
    const epoch = new Date(2026, 10, 28, 9, 5, 7).getTime() / 1000;
    expect(formatEpoch(epoch)).toBe('2026-11-28 09:05:07');
    expect(formatEpoch(Number.NaN)).toBe('not a valid date');
  });

  it('refreshes shortly before expiry: a tenth of the lifetime, within 5..60 s', () => {
    expect(refreshLeadSeconds(900)).toBe(60);
    expect(refreshLeadSeconds(300)).toBe(30);
    expect(refreshLeadSeconds(20)).toBe(5);
    expect(refreshLeadSeconds(6)).toBe(3); // a 6-second token: refreshed halfway, not at once and in a loop
  });
});
