/**
 * Small helpers shared by several benchmarks: the seeded PRNG their synthetic data is drawn from,
 * and the check for a PostgreSQL server to run against. (bench/matching-data.ts keeps its own copy
 * of the same PRNG.)
 */
import pg from 'pg';

/**
 * mulberry32: a small, fast, seeded generator, uniform in [0, 1). The synthetic data (catalog
 * documents, companies, request mixes) is a pure function of the seed: do not change the sequence.
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Whether the PostgreSQL server at `server` (a URL without a database) takes a connection within 2 s. */
export async function pgReachable(server: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: `${server}/postgres`, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}
