/** Wall-clock seconds since it started, for the "... in N s" lines of the report. */
export interface Stopwatch {
  seconds(): number;
}

export function startStopwatch(): Stopwatch {
  const startedAt = Date.now();
  return { seconds: () => (Date.now() - startedAt) / 1000 };
}
