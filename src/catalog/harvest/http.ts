/** HTTP for harvesting: a timeout on every request, retries of transient failures, and a request count for the report. */

export class FetchError extends Error {
  constructor(
    readonly url: string,
    message: string,
    /** Another try may succeed (network error, timeout, 5xx, 429). */
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

export interface Fetched {
  status: number;
  contentType: string;
  body: string;
}

export class HarvestHttp {
  requests = 0;
  constructor(
    private readonly timeoutMs: number,
    private readonly retries: number,
    private readonly userAgent = 'Kabuto-harvester/1 (+https://github.com/)',
  ) {}

  async get(url: string, accept: string): Promise<Fetched> {
    let last: FetchError | undefined;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
      try {
        return await this.once(url, accept);
      } catch (err) {
        last = err instanceof FetchError ? err : new FetchError(url, (err as Error).message, true);
        if (!last.transient) throw last;
      }
    }
    throw last!;
  }

  private async once(url: string, accept: string): Promise<Fetched> {
    this.requests++;
    let res: Response;
    try {
      res = await fetch(url, { headers: { accept, 'user-agent': this.userAgent }, signal: AbortSignal.timeout(this.timeoutMs), redirect: 'follow' });
    } catch (err) {
      const e = err as Error;
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      throw new FetchError(url, timedOut ? `no answer within ${this.timeoutMs / 1000} s` : `cannot reach the source: ${(e.cause as Error | undefined)?.message ?? e.message}`, true);
    }
    let body: string;
    try {
      body = await res.text();
    } catch (err) {
      const e = err as Error;
      throw new FetchError(url, e.name === 'TimeoutError' ? `no complete answer within ${this.timeoutMs / 1000} s` : `the answer broke off: ${e.message}`, true);
    }
    if (!res.ok) throw new FetchError(url, `HTTP ${res.status}${body ? `: ${body.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`, res.status >= 500 || res.status === 429);
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body };
  }
}
