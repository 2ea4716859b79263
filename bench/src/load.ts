import type { IncomingHttpHeaders } from 'node:http';
import autocannon from 'autocannon';
import { LatencyRecorder } from './stats';

export interface LoadRequest {
  path: string;
  headers?: IncomingHttpHeaders;
}

export interface LoadOptions {
  /** http://127.0.0.1:<port> */
  origin: string;
  connections: number;
  durationS: number;
  /**
   * The requests each connection sends, in rotation. Each connection gets its own list, so a pool
   * of distinct tokens can be split across connections without two of them sending the same one.
   */
  requestsFor: (connection: number) => LoadRequest[];
}

export interface LoadResult {
  ok: number;
  /** Non-2xx responses by status code. */
  rejected: Record<string, number>;
  errors: number;
  timeouts: number;
  seconds: number;
  /** Latencies of the 2xx responses, ms. */
  latencies: LatencyRecorder;
}

/**
 * One bounded autocannon run (fixed duration, keep-alive connections, no pipelining) in this
 * process. Latencies are recorded here at full resolution (autocannon's own histogram keeps whole
 * milliseconds).
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latencies = new LatencyRecorder();
    const rejected: Record<string, number> = {};
    let ok = 0;
    let connection = 0;
    const started = process.hrtime.bigint();
    const instance = autocannon(
      {
        url: options.origin,
        connections: options.connections,
        duration: options.durationS,
        pipelining: 1,
        timeout: 10,
        setupClient: (client) => {
          const requests = options
            .requestsFor(connection++)
            .map((request) => ({ method: 'GET' as const, path: request.path, headers: request.headers ?? {} }));
          client.setRequests(requests);
        },
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          ok,
          rejected,
          errors: result.errors,
          timeouts: result.timeouts,
          seconds: Number(process.hrtime.bigint() - started) / 1e9,
          latencies,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) {
        ok += 1;
        latencies.record(responseTime);
      } else {
        rejected[statusCode] = (rejected[statusCode] ?? 0) + 1;
      }
    });
  });
}
