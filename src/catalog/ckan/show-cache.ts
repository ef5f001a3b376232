import type { Db } from '../../core/db/index.js';
import { CATALOG_SCOPE } from '../service.js';

const MAX_ENTRIES = 5000;

/**
 * package_show answers for public, active datasets, serialized once and kept while the catalog's
 * data version stays the same. Every catalog write bumps the version in its transaction, so every
 * process (several behind one PostgreSQL) drops stale entries on its next read: one indexed read
 * of a tiny table per request instead of the dozen queries a package dict takes.
 */
export class ShowCache {
  private readonly entries = new Map<string, { version: number; json: string }>();
  constructor(private readonly db: Db) {}

  async version(): Promise<number> {
    const r = await this.db.selectFrom('data_versions').select('version').where('scope', '=', CATALOG_SCOPE).executeTakeFirst();
    return r?.version ?? 0;
  }

  async get(siteUrl: string, ref: string): Promise<string | undefined> {
    const e = this.entries.get(`${siteUrl} ${ref}`);
    if (!e) return undefined;
    if (e.version !== (await this.version())) {
      this.entries.delete(`${siteUrl} ${ref}`);
      return undefined;
    }
    return e.json;
  }

  /** Keep an answer computed at `version` (read before the answer was built, so a write in between only makes it stale sooner). */
  put(siteUrl: string, ref: string, version: number, json: string): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(`${siteUrl} ${ref}`, { version, json });
  }
}
