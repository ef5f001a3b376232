import autocannon from 'autocannon';

export interface LoadOptions {
  /** Length of the round in seconds (fractions allowed: the smoke size uses a fifth of a second). */
  seconds: number;
  connections?: number;
  headers?: Record<string, string>;
}

export interface LoadResult {
  requests: number;
  seconds: number;
}

/** Requests per second over several rounds: total requests over total time, so short rounds are not over-weighted. */
export function rps(rounds: LoadResult[]): number {
  const requests = rounds.reduce((s, r) => s + r.requests, 0);
  const seconds = rounds.reduce((s, r) => s + r.seconds, 0);
  return seconds > 0 ? requests / seconds : 0;
}

/**
 * One round of load with autocannon on a URL. Any error, timeout or non-2xx answer fails the round:
 * a fast error page must never pass for throughput.
 */
export async function loadRound(url: string, opts: LoadOptions): Promise<LoadResult> {
  const ms = opts.seconds * 1000;
  const result = await autocannon({
    url,
    connections: opts.connections ?? 10,
    duration: opts.seconds,
    // autocannon stops only at a sample tick: a tick well inside the round keeps short rounds short.
    sampleInt: Math.max(20, Math.min(1000, Math.round(ms / 5))),
    headers: opts.headers,
    timeout: 10,
  });
  if (result.errors || result.timeouts || result.non2xx) {
    throw new Error(`load on ${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers of ${result.requests.total}`);
  }
  // The real elapsed time (autocannon's `duration` is rounded to 10 ms).
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  return { requests: result.requests.total, seconds };
}
