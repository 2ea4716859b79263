import type { CallRecord, RequestOptions } from './api';
import { COMPARISON_PATH, runComparison } from './comparison';

const MODE = {
  mode: 'jwt',
  requests: 30,
  failed: 0,
  storeQueries: 0,
  logins: 1,
  copiesPerLogin: 0,
  replicaKilled: true,
};

const record = (status: number | null, body: unknown, headers: Record<string, string> = {}): CallRecord => ({
  method: 'X',
  path: '/',
  status,
  latencyMs: 1,
  gateway: '-',
  servedBy: '-',
  note: status === null ? 'No answer: the gateway cannot be reached' : status >= 400 ? `HTTP ${status}` : '',
  body,
  headers: new Headers(headers),
});

/** A console server answering from a script: the POST's answer, then one answer per poll. */
function server(post: CallRecord, polls: CallRecord[]) {
  const sent: Array<[string, string, RequestOptions | undefined]> = [];
  const send = async (method: string, path: string, options?: RequestOptions) => {
    sent.push([method, path, options]);
    return method === 'POST' ? post : polls.shift()!;
  };
  return { send, sent };
}

const run = (send: ReturnType<typeof server>['send'], progress: string[] = []) =>
  runComparison({ send, sleep: async () => undefined, onProgress: (line) => progress.push(line) });

describe('runComparison', () => {
  it('POSTs a short run, polls the Location quietly, shows the progress, and returns the modes', async () => {
    const location = `${COMPARISON_PATH}/r1`;
    const { send, sent } = server(record(202, { id: 'r1', state: 'running' }, { location }), [
      record(200, { id: 'r1', state: 'running' }),
      record(200, { id: 'r1', state: 'running', progress: 'jwt: 3 fronts' }),
      record(200, { id: 'r1', state: 'done', modes: [MODE] }),
    ]);
    const progress: string[] = [];
    expect(await run(send, progress)).toEqual({ ok: true, modes: [MODE] });
    expect(sent).toEqual([
      ['POST', COMPARISON_PATH, { json: { calls: 30 } }],
      ['GET', location, { quiet: true }],
      ['GET', location, { quiet: true }],
      ['GET', location, { quiet: true }],
    ]);
    expect(progress).toEqual(['Running… starting', 'Running… jwt: 3 fronts']);
  });

  it('follows a run already going (409 with its Location)', async () => {
    const location = `${COMPARISON_PATH}/other`;
    const { send, sent } = server(record(409, { error: 'comparison_running' }, { location }), [
      record(200, { id: 'other', state: 'done', modes: [MODE] }),
    ]);
    const progress: string[] = [];
    expect(await run(send, progress)).toEqual({ ok: true, modes: [MODE] });
    expect(sent[1]).toEqual(['GET', location, { quiet: true }]);
    expect(progress[0]).toMatch(/^Another comparison is running/);
  });

  it('says plainly why there are no figures: not offered, failed, lost, unreachable', async () => {
    const notHere = record(501, { error: 'not_available' });
    notHere.note = 'not_available: it runs beside `npm start` only';
    expect(await run(server(notHere, []).send)).toEqual({
      ok: false,
      message: 'Not available here: not_available: it runs beside `npm start` only',
    });
    const location = `${COMPARISON_PATH}/r2`;
    expect(
      await run(
        server(record(202, { id: 'r2', state: 'running' }, { location }), [
          record(200, { id: 'r2', state: 'failed', error: 'The runner failed: login answered 503' }),
        ]).send,
      ),
    ).toEqual({ ok: false, message: 'The comparison failed: The runner failed: login answered 503' });
    expect(
      await run(server(record(202, { id: 'r2', state: 'running' }, { location }), [record(404, {})]).send),
    ).toEqual({ ok: false, message: 'Lost track of the comparison: HTTP 404' });
    expect(await run(server(record(null, undefined), []).send)).toEqual({
      ok: false,
      message: 'The comparison did not start: the gateway cannot be reached',
    });
  });
});
