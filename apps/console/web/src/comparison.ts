import type { CallRecord, RequestOptions } from './api';
import { comparisonRunOf, type ComparisonMode } from './contracts';

export const COMPARISON_PATH = '/console/api/sessions-vs-jwt';
/** The calls per mode the page asks for: a short run (the server allows 20-200). */
export const PAGE_CALLS = 30;

export type Send = (method: string, path: string, options?: RequestOptions) => Promise<CallRecord>;

export type ComparisonOutcome = { ok: true; modes: ComparisonMode[] } | { ok: false; message: string };

export interface ComparisonDeps {
  send: Send;
  sleep: (ms: number) => Promise<void>;
  /** "running…" and the server's latest progress line. */
  onProgress: (line: string) => void;
  calls?: number;
  pollMs?: number;
}

const errorText = (record: CallRecord) =>
  record.status === null ? 'the gateway cannot be reached' : record.note || `HTTP ${record.status}`;

/**
 * The comparison takes longer than the gateway lets one request last, so the console server runs
 * it in the background: POST starts it (202 + Location), the page polls that until it is done. A
 * run someone else started (409) is followed the same way, through the Location it names.
 */
export async function runComparison(deps: ComparisonDeps): Promise<ComparisonOutcome> {
  const { send, sleep, onProgress } = deps;
  const started = await send('POST', COMPARISON_PATH, { json: { calls: deps.calls ?? PAGE_CALLS } });
  if (started.status === 501 || started.status === 404)
    return { ok: false, message: `Not available here: ${errorText(started)}` };
  const location = started.headers?.get('location');
  if ((started.status !== 202 && started.status !== 409) || !location)
    return { ok: false, message: `The comparison did not start: ${errorText(started)}` };
  if (started.status === 409) onProgress('Another comparison is running: showing its figures when it is done…');
  for (;;) {
    const polled = await send('GET', location, { quiet: true });
    const run = polled.status === 200 ? comparisonRunOf(polled.body) : undefined;
    if (!run) return { ok: false, message: `Lost track of the comparison: ${errorText(polled)}` };
    if (run.state === 'done' && run.modes) return { ok: true, modes: run.modes };
    if (run.state === 'failed')
      return { ok: false, message: `The comparison failed: ${run.error ?? 'no reason given'}` };
    onProgress(`Running… ${run.progress ?? 'starting'}`);
    await sleep(deps.pollMs ?? 1000);
  }
}
