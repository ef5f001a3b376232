/**
 * Where reindexAll gets its documents. By default it reads the catalog's tables (the only place the
 * search module does; searches never do), mirroring the catalog's searchDocOf; the catalog can hand
 * in its own source with setSearchDocSource instead.
 */
import { sql, type Kysely } from 'kysely';
import type { Db } from '../../core/db/index.js';
import type { DatasetSearchDoc } from './index.js';

export interface SearchDocSource {
  count(db: Db): Promise<number>;
  batches(db: Db, size: number): AsyncIterable<DatasetSearchDoc[]>;
  /** The documents of these datasets as they are now (missing ones are gone); without it reindexAll scans batches(). */
  byIds?(db: Db, ids: string[]): Promise<DatasetSearchDoc[]>;
}

interface DatasetRow {
  id: string;
  name: string;
  title: string;
  notes: string;
  license_id: string | null;
  author: string | null;
  maintainer: string | null;
  private: number;
  state: 'active' | 'draft' | 'deleted';
  metadata_created: string;
  metadata_modified: string;
  org_name: string | null;
}

function groupBy<T extends { dataset_id: string }>(rows: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const list = m.get(r.dataset_id) ?? [];
    list.push(r);
    m.set(r.dataset_id, list);
  }
  return m;
}


const DATASET_COLUMNS = sql`d.id, d.name, d.title, d.notes, d.license_id, d.author, d.maintainer, d.private, d.state, d.metadata_created, d.metadata_modified, o.name as org_name`;

async function docsOf(any: Kysely<any>, rows: DatasetRow[]): Promise<DatasetSearchDoc[]> {
  const ids = rows.map((r) => r.id);
  const list = sql.join(ids);
  const tags = groupBy((await sql<{ dataset_id: string; name: string }>`select dt.dataset_id, t.name from catalog_dataset_tags dt join catalog_tags t on t.id = dt.tag_id where dt.dataset_id in (${list}) order by dt.position`.execute(any)).rows);
  const groups = groupBy((await sql<{ dataset_id: string; name: string }>`select dg.dataset_id, g.name from catalog_dataset_groups dg join catalog_groups g on g.id = dg.group_id where dg.dataset_id in (${list}) order by g.name`.execute(any)).rows);
  const extras = groupBy((await sql<{ dataset_id: string; key: string; value: string }>`select dataset_id, key, value from catalog_dataset_extras where dataset_id in (${list})`.execute(any)).rows);
  const resources = groupBy(
    (await sql<{ dataset_id: string; name: string | null; description: string | null; format: string }>`select package_id as dataset_id, name, description, format from catalog_resources where package_id in (${list}) and state = 'active' order by position`.execute(any)).rows,
  );
  return rows.map((r) => {
    const res = resources.get(r.id) ?? [];
    return {
      id: r.id,
      name: r.name,
      title: r.title,
      notes: r.notes,
      tags: (tags.get(r.id) ?? []).map((t) => t.name),
      organization: r.org_name,
      groups: (groups.get(r.id) ?? []).map((g) => g.name),
      resFormats: [...new Set(res.map((x) => x.format).filter(Boolean))],
      resNames: res.map((x) => x.name ?? '').filter(Boolean),
      resDescriptions: res.map((x) => x.description ?? '').filter(Boolean),
      licenseId: r.license_id,
      private: Number(r.private) === 1,
      state: r.state,
      metadataCreated: r.metadata_created,
      metadataModified: r.metadata_modified,
      extras: Object.fromEntries((extras.get(r.id) ?? []).map((e) => [e.key, e.value])),
      author: r.author,
      maintainer: r.maintainer,
    };
  });
}

export const catalogDocSource: SearchDocSource = {
  async count(db) {
    const any = db as unknown as Kysely<any>;
    const r = await sql<{ n: number }>`select count(*) as n from catalog_datasets`.execute(any);
    return Number(r.rows[0]?.n ?? 0);
  },
  async byIds(db, ids) {
    const any = db as unknown as Kysely<any>;
    if (!ids.length) return [];
    const rows = (await sql<DatasetRow>`select ${DATASET_COLUMNS} from catalog_datasets d left join catalog_organizations o on o.id = d.owner_org where d.id in (${sql.join(ids)})`.execute(any)).rows;
    return rows.length ? docsOf(any, rows) : [];
  },
  async *batches(db, size) {
    const any = db as unknown as Kysely<any>;
    let after = '';
    for (;;) {
      const rows = (
        await sql<DatasetRow>`select d.id, d.name, d.title, d.notes, d.license_id, d.author, d.maintainer, d.private, d.state, d.metadata_created, d.metadata_modified, o.name as org_name
          from catalog_datasets d left join catalog_organizations o on o.id = d.owner_org
          where d.id > ${after} order by d.id limit ${size}`.execute(any)
      ).rows;
      if (!rows.length) return;
      yield await docsOf(any, rows);
      after = rows[rows.length - 1]!.id;
      if (rows.length < size) return;
    }
  },
};
