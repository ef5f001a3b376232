import type { AppContext } from '../../core/context.js';

/**
 * Rendered fragments (page bodies, chart SVGs, export files) keyed on the plan view's data version.
 * The version changes with every write in any process (PlanService reads it from the database on
 * each request), so a fragment never outlives the data it was built from; entries of an older
 * version are dropped as soon as a newer one is seen. One cache per app, so two apps in one process
 * (tests on two dialects) never share fragments.
 */
export class VersionedCache {
  private version = '';
  private readonly entries = new Map<string, unknown>();

  get<T>(version: string, key: string, build: () => T): T {
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    const full = `${key}|${version}`;
    if (this.entries.has(full)) return this.entries.get(full) as T;
    const value = build();
    this.entries.set(full, value);
    return value;
  }

  /** For async builders (XLSX): the promise is cached, so concurrent first requests build once. */
  async getAsync<T>(version: string, key: string, build: () => Promise<T>): Promise<T> {
    const p = this.get(version, key, build);
    try {
      return await p;
    } catch (err) {
      if (this.version === version) this.entries.delete(`${key}|${version}`);
      throw err;
    }
  }
}

const caches = new WeakMap<AppContext, VersionedCache>();

export function pageCache(ctx: AppContext): VersionedCache {
  let c = caches.get(ctx);
  if (!c) {
    c = new VersionedCache();
    caches.set(ctx, c);
  }
  return c;
}
