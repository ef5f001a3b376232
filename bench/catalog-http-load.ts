/**
 * Helpers of the catalog HTTP benchmark: a closed-loop client that sends a mix of requests over a
 * few keep-alive connections for a while, and memory samplers reading /proc (Linux).
 */
import { readFileSync } from 'node:fs';
import { rng } from './util.js';

export interface RequestKind {
  name: string;
  /** Relative share of the requests. */
  weight: number;
  /** The path (with query) of one request, drawn with r (uniform in [0, 1)). */
  path(r: () => number): string;
}

export interface KindResult {
  requests: number;
  /** Count per HTTP status; `error` for a request that got no answer (timeout, reset). */
  statuses: Record<string, number>;
  ms: number[];
}

export interface MixedResult {
  seconds: number;
  requests: number;
  byKind: Record<string, KindResult>;
}

/**
 * `connections` workers, each sending one request at a time (drawn from the kinds by weight) until
 * `seconds` have passed; a request under way then finishes. Bodies are read whole, as a client would.
 */
export async function mixedLoad(base: string, kinds: RequestKind[], opts: { seconds: number; connections: number; seed?: number; timeoutMs?: number }): Promise<MixedResult> {
  const r = rng(opts.seed ?? 1);
  const total = kinds.reduce((s, k) => s + k.weight, 0);
  const pick = () => {
    let x = r() * total;
    for (const k of kinds) if ((x -= k.weight) < 0) return k;
    return kinds[kinds.length - 1]!;
  };
  const byKind: Record<string, KindResult> = Object.fromEntries(kinds.map((k) => [k.name, { requests: 0, statuses: {}, ms: [] }]));
  const t0 = performance.now();
  const end = t0 + opts.seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const kind = pick();
      const out = byKind[kind.name]!;
      const s0 = performance.now();
      let status: string;
      try {
        const res = await fetch(base + kind.path(r), { signal: AbortSignal.timeout(opts.timeoutMs ?? 120_000) });
        await res.arrayBuffer();
        status = String(res.status);
      } catch {
        status = 'error';
      }
      out.ms.push(performance.now() - s0);
      out.requests += 1;
      out.statuses[status] = (out.statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, worker));
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, requests: Object.values(byKind).reduce((s, k) => s + k.requests, 0), byKind };
}

/** A field of /proc/<pid>/status in bytes (VmRSS: resident now, VmHWM: the peak since the process started). */
export function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}

/** Proportional set size of a process (its share of shared pages, such as PostgreSQL's shared buffers), or 0 when unreadable. */
export function pssBytes(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Sample a value every `everyMs` until stopped; returns the largest value seen. */
export function sampleMax(read: () => number | Promise<number>, everyMs: number): { stop(): Promise<number> } {
  let max = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      max = Math.max(max, await read());
      await new Promise((done) => setTimeout(done, everyMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return Math.max(max, await read());
    },
  };
}
