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
  /** Seconds of load, from autocannon's start (its connections' requests built) to its end. */
  seconds: number;
  /** Latencies of the 2xx responses, ms. */
  latencies: LatencyRecorder;
  /** CPU this process (the load generator) used over `seconds`, µs. */
  loadgenCpuUs: number;
}

/**
 * One bounded autocannon run (fixed duration, keep-alive connections, no pipelining) in this
 * process. Latencies are recorded here at full resolution (autocannon's own histogram keeps whole
 * milliseconds), for the 2xx responses to requests sent once the load started.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latencies = new LatencyRecorder();
    const rejected: Record<string, number> = {};
    let ok = 0;
    let connection = 0;
    // From autocannon's 'start', not from this call: building each connection's requests comes
    // first and sends nothing (a pool of distinct tokens made that 0.2-0.5 s of a 2 s run, so the
    // rate of the scenarios with many distinct requests was counted over time with no load).
    let started = process.hrtime.bigint();
    let cpuAtStart = process.cpuUsage();
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
        const cpu = process.cpuUsage(cpuAtStart);
        resolve({
          ok,
          rejected,
          errors: result.errors,
          timeouts: result.timeouts,
          seconds: Number(process.hrtime.bigint() - started) / 1e9,
          latencies,
          loadgenCpuUs: cpu.user + cpu.system,
        });
      },
    );
    instance.on('start', () => {
      started = process.hrtime.bigint();
      cpuAtStart = process.cpuUsage();
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) {
        ok += 1;
        // A connection's first request is queued as it is built, before the others are: its
        // latency would count the rest of the set-up. Only requests sent after 'start' are timed.
        if (Number(process.hrtime.bigint() - started) / 1e6 >= responseTime) latencies.record(responseTime);
      } else {
        rejected[statusCode] = (rejected[statusCode] ?? 0) + 1;
      }
    });
  });
}
