/**
 * Wraps an async operation so that concurrent callers share one run: while it is in flight every
 * call gets the same promise; once it settles (either way) the next call starts a new run. A refresh
 * token may be used once, so a refresh must never run once per caller.
 */
export function singleFlight<T>(operation: () => Promise<T>): { run: () => Promise<T>; readonly inFlight: boolean } {
  let current: Promise<T> | undefined;
  return {
    run() {
      if (!current) {
        // Started on a microtask, so even an operation that throws synchronously settles the shared promise.
        const flight = Promise.resolve().then(operation);
        current = flight;
        // Attached first, so it runs before any caller's continuation: a caller may start the next run at once.
        flight.then(
          () => (current = current === flight ? undefined : current),
          () => (current = current === flight ? undefined : current),
        );
      }
      return current;
    },
    get inFlight() {
      return current !== undefined;
    },
  };
}
