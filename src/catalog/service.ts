/**
 * The catalog's rules: who may read and write what, validation, and every write in one transaction
 * with its activity, audit entry, data-version bump and search document. Both the CKAN Action API
 * and the pages call this service; neither touches the store directly for writes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Dialect, Trx } from '../core/db/index.js';
import type { Clock } from '../core/clock.js';
import type { AuthUser } from '../core/auth/service.js';
import { actorOf } from '../core/auth/service.js';
import { audit, auditMany, systemActor, type Actor } from '../core/audit.js';
import { bumpVersion } from '../core/versions.js';
import { DomainError, type FieldProblem } from '../core/errors.js';
import { catalogStore, type DatasetRow, type FullDataset, type GroupRow, type LicenceRow, type OrgRow, type ResourceRow } from './store.js';
import { inputOf, packageDict, resourceInputOf, searchDocOf, type PackageDict } from './dictize.js';
import { nameProblem, isDict, validatePackage, validateResource, type DataDict, type DatasetInput, type Issue, type Lookups, type ResourceInput } from './validate.js';
import { inspectUpload, UploadStore, type UploadedFile } from './uploads.js';
import { deleteDoc, prepareDoc, writeDoc, writeDocs, type PreparedSearchDoc, type SearchParams } from './search-port.js';

/** Who is calling: a user (or nobody), and the actor written to the audit log. `system` bypasses access checks (seed, import). */
export interface Caller {
  user: AuthUser | null;
  actor: Actor;
  system?: boolean;
}

export const callerOf = (user: AuthUser | null, requestId?: string): Caller => ({ user, actor: actorOf(user, requestId) });
export const systemCaller = (label: string): Caller => ({ user: null, actor: systemActor(label), system: true });

/** Times an import carries over from the source catalog instead of "now". */
export interface SourceTimes {
  created: string;
  modified: string;
}

export interface CatalogDeps {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  dataDir: string;
}

export const CATALOG_SCOPE = 'catalog';

export function invalid(issues: Issue[], message = 'The input is not valid'): DomainError {
  const fields: FieldProblem[] = issues.map((i) => ({ field: i.field, message: i.message }));
  return new DomainError('validation-failed', message, fields, { issues });
}

export const notFoundError = (what: string) => new DomainError('not-found', what);
export const denied = (message: string) => new DomainError('forbidden', message);

class Retry extends Error {}

/** Deterministic UUID (name-based, SHA-1 like RFC 4122 version 5) so re-imports keep their ids. */
export function stableUuid(namespace: string, key: string): string {
  const h = createHash('sha1').update(`${namespace}\u0000${key}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || /UNIQUE constraint failed/.test(e?.message ?? '');
}

/** Fields a write changed, {field: [before, after]}; the timestamps every write moves are left out. */
function diff(before: PackageDict | null, after: PackageDict): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  const skip = new Set(['metadata_modified', 'num_resources', 'num_tags', 'organization']);
  for (const k of Object.keys(after) as (keyof PackageDict)[]) {
    if (skip.has(k)) continue;
    const a = before ? before[k] : undefined;
    const b = after[k];
    if (JSON.stringify(a) !== JSON.stringify(b)) out[k] = [a ?? null, b];
  }
  return out;
}

/** A resource input with an id assigned and its upload (if any) checked. */
interface PlannedResource {
  input: ResourceInput & { id: string };
  upload?: { key: string; bytes: Buffer };
}

export interface WriteResult {
  full: FullDataset;
  changed: boolean;
}

type ActivityType = 'new package' | 'changed package' | 'deleted package';

/** One item's outcome in saveMany. */
export type BatchOutcome = { ok: true; full: FullDataset; changed: boolean; created: boolean } | { ok: false; error: unknown };

/** Organizations, categories and licences as a write reads them (memoized over a batch). */
interface WriteRefs {
  org(ref: string): Promise<OrgRow | undefined>;
  licence(id: string): Promise<LicenceRow | undefined>;
  groups(ids: string[]): Promise<GroupRow[]>;
}

/** A dataset ready to be written: everything computed before the transaction opens. */
interface ComposedWrite {
  c: Caller;
  current: FullDataset | null;
  after: FullDataset;
  groupIds: string[];
  tagNames: string[];
  planned: PlannedResource[];
  now: string;
  doc: PreparedSearchDoc;
}

function slices<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

export class CatalogService {
  readonly uploads: UploadStore;
  constructor(private readonly deps: CatalogDeps) {
    this.uploads = new UploadStore(deps.dataDir);
  }

  private get db(): Db {
    return this.deps.db;
  }

  // ---------------------------------------------------------------- access

  /** Whether the caller may create and edit datasets of this organization (id). */
  canEditOrg(c: Caller, orgId: string): boolean {
    if (c.system) return true;
    const u = c.user;
    if (!u) return false;
    if (u.role === 'admin' || u.role === 'staff') return true;
    return u.role === 'publisher' && u.orgId === orgId;
  }

  /** Whether the caller may read this dataset (public and active for everyone; else its editors). */
  canRead(c: Caller, row: DatasetRow): boolean {
    if (row.state === 'active' && row.private === 0) return true;
    return this.canEditOrg(c, row.owner_org);
  }

  isAdmin(c: Caller): boolean {
    return c.system === true || c.user?.role === 'admin';
  }

  /** Which private datasets the caller may find in search (organization names), and whether drafts. */
  async visibility(c: Caller): Promise<{ orgs: 'all' | string[]; drafts: boolean }> {
    if (c.system || c.user?.role === 'admin' || c.user?.role === 'staff') return { orgs: 'all', drafts: true };
    if (c.user?.role === 'publisher' && c.user.orgId) {
      const o = await catalogStore.orgByIdOrName(this.db, c.user.orgId);
      return { orgs: o && o.id === c.user.orgId ? [o.name] : [], drafts: false };
    }
    return { orgs: [], drafts: false };
  }

  searchVisibility(v: { orgs: 'all' | string[] }, includePrivate: boolean): SearchParams['visibility'] {
    return { includePrivate: includePrivate && (v.orgs === 'all' || v.orgs.length > 0), orgs: v.orgs };
  }

  // ---------------------------------------------------------------- reads

  lookups(trx: Db = this.db): Lookups {
    return {
      org: async (ref) => (await catalogStore.orgByIdOrName(trx, ref))?.id,
      licence: async (id) => !!(await catalogStore.licence(trx, id)),
      group: async (ref) => (await catalogStore.groupByIdOrName(trx, ref))?.id,
      nameHolder: async (name) => (await catalogStore.datasetByName(trx, name))?.id ?? (await catalogStore.datasetById(trx, name))?.id,
      resourceIdTaken: async (id, pkg) => {
        const r = await catalogStore.resource(trx, id);
        return !!r && r.package_id !== pkg;
      },
    };
  }

  /** A dataset by id, current name or old name; `redirectedFrom` is set when an old name was used. */
  async resolve(ref: string): Promise<{ row: DatasetRow; redirectedFrom?: string } | undefined> {
    if (!ref) return undefined;
    const row = (await catalogStore.datasetById(this.db, ref)) ?? (await catalogStore.datasetByName(this.db, ref));
    if (row) return { row };
    const r = await catalogStore.redirect(this.db, ref);
    if (!r) return undefined;
    const target = await catalogStore.datasetById(this.db, r.dataset_id);
    return target ? { row: target, redirectedFrom: ref } : undefined;
  }

  async full(id: string): Promise<FullDataset | undefined> {
    return (await catalogStore.full(this.db, [id])).get(id);
  }

  async fullMany(ids: string[]): Promise<FullDataset[]> {
    const m = await catalogStore.full(this.db, ids);
    return ids.map((id) => m.get(id)).filter((f): f is FullDataset => !!f);
  }

  /** package_show: the dataset, if the caller may read it (CKAN answers 403 for a private one, 404 for none). */
  async show(c: Caller, ref: string): Promise<{ full: FullDataset; redirectedFrom?: string }> {
    const r = await this.resolve(ref);
    if (!r) throw notFoundError('Dataset not found');
    if (!this.canRead(c, r.row)) throw denied(`User not authorized to read package ${r.row.id}`);
    const full = await this.full(r.row.id);
    if (!full) throw notFoundError('Dataset not found');
    return { full, redirectedFrom: r.redirectedFrom };
  }

  /** Names of public, active datasets, by name (package_list). */
  async names(limit: number | null, offset: number): Promise<string[]> {
    let q = this.db.selectFrom('catalog_datasets').select('name').where('state', '=', 'active').where('private', '=', 0).orderBy('name');
    if (limit !== null) q = q.limit(limit).offset(offset);
    else if (offset) q = q.limit(-1).offset(offset);
    return (await q.execute()).map((r) => r.name);
  }

  /** Recently modified datasets the caller may read, newest first (current_package_list_with_resources, listings). */
  async recent(c: Caller, opts: { limit: number; offset: number; orgId?: string; groupId?: string; includePrivate: boolean }): Promise<{ count: number; ids: string[] }> {
    const v = await this.visibility(c);
    let q = this.db.selectFrom('catalog_datasets as d').innerJoin('catalog_organizations as o', 'o.id', 'd.owner_org').where('d.state', '=', 'active');
    if (!opts.includePrivate || (v.orgs !== 'all' && v.orgs.length === 0)) q = q.where('d.private', '=', 0);
    else if (v.orgs !== 'all') {
      const orgs = v.orgs;
      q = q.where((eb) => eb.or([eb('d.private', '=', 0), eb('o.name', 'in', orgs)]));
    }
    if (opts.orgId) q = q.where('d.owner_org', '=', opts.orgId);
    if (opts.groupId) {
      const gid = opts.groupId;
      q = q.where((eb) => eb.exists(eb.selectFrom('catalog_dataset_groups as g').select('g.dataset_id').whereRef('g.dataset_id', '=', 'd.id').where('g.group_id', '=', gid)));
    }
    const count = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await q.select('d.id').orderBy('d.metadata_modified', 'desc').orderBy('d.id').limit(opts.limit).offset(opts.offset).execute();
    return { count, ids: rows.map((r) => r.id) };
  }

  /** Datasets the caller may see, counted per organization id (organization_list, pages). */
  async countsByOrg(c: Caller): Promise<Map<string, number>> {
    const v = await this.visibility(c);
    let q = this.db.selectFrom('catalog_datasets as d').innerJoin('catalog_organizations as o', 'o.id', 'd.owner_org').select(['d.owner_org', (eb) => eb.fn.countAll<number>().as('n')]).where('d.state', '=', 'active');
    if (v.orgs !== 'all') {
      const orgs = v.orgs;
      q = orgs.length ? q.where((eb) => eb.or([eb('d.private', '=', 0), eb('o.name', 'in', orgs)])) : q.where('d.private', '=', 0);
    }
    const rows = await q.groupBy('d.owner_org').execute();
    return new Map(rows.map((r) => [r.owner_org, Number(r.n)]));
  }

  async countsByGroup(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('catalog_dataset_groups as g')
      .innerJoin('catalog_datasets as d', 'd.id', 'g.dataset_id')
      .select(['g.group_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('d.state', '=', 'active')
      .where('d.private', '=', 0)
      .groupBy('g.group_id')
      .execute();
    return new Map(rows.map((r) => [r.group_id, Number(r.n)]));
  }

  async tags(query: string | null, limit: number): Promise<{ id: string; name: string }[]> {
    let q = this.db
      .selectFrom('catalog_tags as t')
      .select(['t.id', 't.name'])
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('catalog_dataset_tags as dt')
            .innerJoin('catalog_datasets as d', 'd.id', 'dt.dataset_id')
            .select('dt.tag_id')
            .whereRef('dt.tag_id', '=', 't.id')
            .where('d.state', '=', 'active')
            .where('d.private', '=', 0),
        ),
      );
    if (query) q = q.where(sql<boolean>`lower(t.name) like ${'%' + escapeLike(query.toLowerCase()) + '%'} escape '\\'`);
    return q.orderBy('t.name').limit(limit).execute();
  }

  async activities(objectId: string, limit: number, offset = 0) {
    return catalogStore.activities(this.db, objectId, limit, offset);
  }

  // ---------------------------------------------------------------- dataset writes

  private async assertCanCreate(c: Caller, d: DataDict): Promise<void> {
    if (c.system) return;
    if (!c.user) throw denied('User not authorized to create packages');
    if (!['admin', 'staff', 'publisher'].includes(c.user.role)) throw denied(`User ${c.user.email} not authorized to create packages`);
    if (c.user.role === 'publisher') {
      const ref = typeof d.owner_org === 'string' ? d.owner_org : null;
      const org = ref ? await catalogStore.orgByIdOrName(this.db, ref) : undefined;
      // An unknown organization is a validation error; a known one of someone else is refused.
      if (org && org.id !== c.user.orgId) throw denied(`User ${c.user.email} not authorized to add dataset to this organization`);
    }
  }

  private async assertCanEdit(c: Caller, row: DatasetRow, newOrgRef?: unknown): Promise<void> {
    if (!this.canEditOrg(c, row.owner_org)) throw denied(c.user ? `User ${c.user.email} not authorized to edit package ${row.id}` : `User not authorized to edit package ${row.id}`);
    if (typeof newOrgRef === 'string' && newOrgRef !== row.owner_org) {
      const org = await catalogStore.orgByIdOrName(this.db, newOrgRef);
      if (org && !this.canEditOrg(c, org.id)) throw denied('You cannot move this dataset to another organization');
    }
  }

  /** package_create. `times` (system callers only) carries the source catalog's dates. */
  async createPackage(c: Caller, d: DataDict, opts: { times?: SourceTimes; uploads?: Map<number, UploadedFile> } = {}): Promise<FullDataset> {
    await this.assertCanCreate(c, d);
    if (d.id !== undefined && d.id !== '' && !this.isAdmin(c)) throw invalid([{ field: 'id', code: 'notAllowed', message: 'The input field id was not expected.' }]);
    const v = await validatePackage(d, this.lookups(), null);
    if (!v.input) throw invalid(v.issues);
    return (await this.save(c, v.input, null, { times: opts.times, uploads: opts.uploads })).full;
  }

  /** package_update (fields left out are cleared, resources and groups left out are kept) or package_patch (fields left out are kept). */
  async updatePackage(c: Caller, d: DataDict, mode: 'update' | 'patch', opts: { times?: SourceTimes; uploads?: Map<number, UploadedFile> } = {}): Promise<WriteResult> {
    const ref = typeof d.id === 'string' && d.id ? d.id : typeof d.name === 'string' ? d.name : null;
    if (!ref) throw invalid([{ field: 'id', code: 'missing', message: 'Missing value' }]);
    const r = await this.resolve(ref);
    if (!r) throw notFoundError('Package was not found.');
    await this.assertCanEdit(c, r.row, d.owner_org);
    const current = await this.full(r.row.id);
    if (!current) throw notFoundError('Package was not found.');
    const data: DataDict = mode === 'patch' ? { ...editableDict(current), ...d } : { ...d };
    // The dataset is identified by id; a name in the data renames it.
    if (mode === 'update' && d.name === r.redirectedFrom) delete data.name;
    delete data.id;
    const v = await validatePackage(data, this.lookups(), { id: current.row.id, input: inputOf(current) });
    if (!v.input) throw invalid(v.issues);
    return this.save(c, v.input, current, { times: opts.times, uploads: opts.uploads });
  }

  /** package_delete: the dataset's state becomes deleted (it stays, as in CKAN, and its old URLs answer 404). */
  async deletePackage(c: Caller, ref: string): Promise<void> {
    const r = await this.resolve(ref);
    if (!r) throw notFoundError('Package was not found.');
    await this.assertCanEdit(c, r.row);
    if (r.row.state === 'deleted') return;
    for (let attempt = 0; ; attempt++) {
      const current = await this.full(r.row.id);
      if (!current) throw notFoundError('Package was not found.');
      const now = this.deps.clock.now().toISOString();
      const after: FullDataset = { ...current, row: { ...current.row, state: 'deleted', metadata_modified: now } };
      const doc = prepareDoc(searchDocOf(after));
      try {
        await this.db.transaction().execute(async (trx) => {
          await this.checkUnchanged(trx, current.row);
          await catalogStore.updateDataset(trx, current.row.id, { state: 'deleted', metadata_modified: now });
          await this.record(trx, c, 'deleted package', 'catalog.package.delete', current, after);
          await writeDoc(trx, this.deps.dialect, doc);
        });
        return;
      } catch (err) {
        if (err instanceof Retry && attempt < 3) continue;
        throw err;
      }
    }
  }

  /** dataset_purge (administrators): the dataset and its files are gone for good. */
  async purgePackage(c: Caller, ref: string): Promise<void> {
    if (!this.isAdmin(c)) throw denied('Only administrators may purge datasets');
    const r = await this.resolve(ref);
    if (!r) throw notFoundError('Package was not found.');
    const current = await this.full(r.row.id);
    if (!current) throw notFoundError('Package was not found.');
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('catalog_datasets').where('id', '=', current.row.id).execute();
      await audit(trx, this.deps.clock, c.actor, { action: 'catalog.package.purge', entityType: 'catalog_dataset', entityId: current.row.id, before: packageDict(current, '') });
      await bumpVersion(trx, this.deps.clock, CATALOG_SCOPE);
      await deleteDoc(trx, this.deps.dialect, current.row.id);
    });
    for (const res of current.resources) if (res.upload_key) await this.uploads.remove(res.upload_key);
  }

  private async checkUnchanged(trx: Trx, before: DatasetRow): Promise<void> {
    const now = await trx.selectFrom('catalog_datasets').select(['metadata_modified', 'state']).where('id', '=', before.id).executeTakeFirst();
    if (!now || now.metadata_modified !== before.metadata_modified || now.state !== before.state) throw new Retry();
  }

  private async record(trx: Trx, c: Caller, type: ActivityType, action: string, before: FullDataset | null, after: FullDataset): Promise<void> {
    await this.recordMany(trx, [{ c, type, action, before, after }]);
  }

  /** The activities (with their diffs) and audit entries of written datasets, and one data-version bump. */
  private async recordMany(trx: Trx, writes: { c: Caller; type: ActivityType; action: string; before: FullDataset | null; after: FullDataset }[]): Promise<void> {
    const clock = this.deps.clock;
    const at = clock.now().toISOString();
    const dicts = writes.map((w) => ({ w, beforeDict: w.before ? packageDict(w.before, '') : null, afterDict: packageDict(w.after, '') }));
    const activities = dicts.map(({ w, beforeDict, afterDict }) => ({
      activity_type: w.type,
      object_id: w.after.row.id,
      user_id: w.c.user?.id ?? null,
      actor_label: w.c.actor.label,
      timestamp: at,
      data_json: JSON.stringify({ package: afterDict }),
      diff_json: JSON.stringify(diff(beforeDict, afterDict)),
    }));
    for (const part of slices(activities, 100)) await trx.insertInto('catalog_activities').values(part).execute();
    await auditMany(
      trx,
      clock,
      dicts.map(({ w, beforeDict, afterDict }) => ({ actor: w.c.actor, entry: { action: w.action, entityType: 'catalog_dataset', entityId: w.after.row.id, before: beforeDict ?? undefined, after: afterDict } })),
    );
    await bumpVersion(trx, clock, CATALOG_SCOPE);
  }

  /** Assign ids, check uploads, keep stored files of resources that did not change. */
  private async planResources(input: ResourceInput[], current: FullDataset | null, datasetId: string, uploads: Map<number, UploadedFile> | undefined, stable: boolean): Promise<PlannedResource[]> {
    const issues: Issue[] = [];
    const byId = new Map((current?.resources ?? []).map((r) => [r.id, r]));
    const planned: PlannedResource[] = [];
    for (const [i, r] of input.entries()) {
      const id = r.id ?? (stable ? stableUuid(datasetId, `resource:${i}`) : randomUUID());
      const prev = byId.get(id);
      const file = uploads?.get(i);
      if (file) {
        const x = await inspectUpload(file, r.format);
        if (!x.upload) {
          issues.push({ ...x.issue!, field: `resources.${i}.${x.issue!.field}` });
          continue;
        }
        const u = x.upload;
        planned.push({
          input: { ...r, id, url: u.filename, url_type: 'upload', format: u.format, mimetype: u.mimetype, size: u.size, hash: u.hash, last_modified: r.last_modified ?? this.deps.clock.now().toISOString() },
          upload: { key: this.uploads.newKey(id), bytes: file.bytes },
        });
        continue;
      }
      if (r.url_type === 'upload') {
        // An upload resource keeps its stored file only while it names the same file.
        if (!prev?.upload_key || prev.url !== r.url) {
          issues.push({ field: `resources.${i}.url`, code: 'uploadMissing', message: 'url_type "upload" needs a file in the upload field' });
          continue;
        }
      }
      planned.push({ input: { ...r, id } });
    }
    if (issues.length) throw invalid(issues);
    return planned;
  }

  /**
   * The one write path of a dataset: prepare everything (rows, search document, uploaded files)
   * outside the transaction, then write rows, activity, audit, version and search document in it.
   * A concurrent write in between makes it start again from the new state.
   */
  private async save(c: Caller, input: DatasetInput, current: FullDataset | null, opts: { times?: SourceTimes; uploads?: Map<number, UploadedFile> }): Promise<WriteResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.saveOnce(c, input, current, opts);
      } catch (err) {
        if (err instanceof Retry && attempt < 3 && current) {
          const fresh = await this.full(current.row.id);
          if (!fresh) throw notFoundError('Package was not found.');
          current = fresh;
          continue;
        }
        throw err;
      }
    }
  }

  private async saveOnce(c: Caller, input: DatasetInput, current: FullDataset | null, opts: { times?: SourceTimes; uploads?: Map<number, UploadedFile> }): Promise<WriteResult> {
    const composed = await this.compose(c, input, current, opts, this.refs());
    if (!composed.write) return { full: composed.full, changed: false };
    const w = composed.write;
    const written: string[] = [];
    try {
      for (const p of w.planned) if (p.upload) {
        await this.uploads.put(p.upload.key, p.upload.bytes);
        written.push(p.upload.key);
      }
      await this.db.transaction().execute((trx) => this.writeComposed(trx, [w]));
    } catch (err) {
      for (const key of written) await this.uploads.remove(key);
      if (isUniqueViolation(err)) throw invalid([{ field: 'name', code: 'nameTaken', message: 'That URL is already in use.' }]);
      throw err;
    }
    // Files no longer referenced (replaced or removed resources) go once the new state is committed.
    const kept = new Set(w.after.resources.map((r) => r.upload_key).filter(Boolean));
    for (const r of current?.resources ?? []) if (r.upload_key && !kept.has(r.upload_key)) await this.uploads.remove(r.upload_key);
    const fresh = await this.full(w.after.row.id);
    return { full: fresh ?? w.after, changed: true };
  }

  /** Organizations, categories and licences as a write needs them, read once per write (or per batch). */
  private refs(): WriteRefs {
    const orgs = new Map<string, Promise<OrgRow | undefined>>();
    const licences = new Map<string, Promise<LicenceRow | undefined>>();
    const groups = new Map<string, Promise<GroupRow | undefined>>();
    const memo = <T>(m: Map<string, Promise<T>>, k: string, f: () => Promise<T>) => {
      let v = m.get(k);
      if (!v) m.set(k, (v = f()));
      return v;
    };
    return {
      org: (ref) => memo(orgs, ref, () => catalogStore.orgByIdOrName(this.db, ref)),
      licence: (id) => memo(licences, id, () => catalogStore.licence(this.db, id)),
      groups: async (ids) => (await Promise.all(ids.map((id) => memo(groups, id, async () => (await catalogStore.groupsByIds(this.db, [id]))[0])))).filter((g): g is GroupRow => !!g),
    };
  }

  /** The dataset as it will be after the write (rows, resources, search document), or the current one when nothing changes. */
  private async compose(c: Caller, input: DatasetInput, current: FullDataset | null, opts: { times?: SourceTimes; uploads?: Map<number, UploadedFile> }, refs: WriteRefs): Promise<{ full: FullDataset; write?: ComposedWrite }> {
    const clock = this.deps.clock;
    const now = clock.now().toISOString();
    const times = c.system ? opts.times : undefined;
    const id = current?.row.id ?? input.id ?? (times ? stableUuid('dataset', input.name) : randomUUID());
    const resourcesIn = input.resources ?? current?.resources.map(resourceInputOf) ?? [];
    const planned = await this.planResources(resourcesIn, current, id, opts.uploads, !!times);
    const groupIds = input.groups ?? current?.groups.map((g) => g.id) ?? [];

    const [org, groups, licence] = await Promise.all([refs.org(input.owner_org), refs.groups(groupIds), input.license_id ? refs.licence(input.license_id) : Promise.resolve(undefined)]);
    if (!org) throw invalid([{ field: 'owner_org', code: 'orgNotFound', message: 'Organization does not exist' }]);

    const published = input.state === 'active' && !input.private;
    const row: DatasetRow = {
      id,
      name: input.name,
      title: input.title,
      notes: input.notes,
      license_id: input.license_id,
      author: input.author,
      author_email: input.author_email,
      maintainer: input.maintainer,
      maintainer_email: input.maintainer_email,
      url: input.url,
      version: input.version,
      private: input.private ? 1 : 0,
      state: input.state,
      type: input.type,
      owner_org: org.id,
      creator_user_id: current?.row.creator_user_id ?? c.user?.id ?? null,
      metadata_created: current?.row.metadata_created ?? times?.created ?? now,
      metadata_modified: times?.modified ?? now,
      first_published_at: current?.row.first_published_at ?? (published ? (times?.created ?? now) : null),
    };
    const prevRes = new Map((current?.resources ?? []).map((r) => [r.id, r]));
    const resourceRows: ResourceRow[] = planned.map((p, position) => {
      const prev = prevRes.get(p.input.id);
      const r = p.input;
      const base = {
        id: r.id,
        package_id: id,
        url: r.url,
        url_type: r.url_type,
        upload_key: p.upload ? p.upload.key : r.url_type === 'upload' ? (prev?.upload_key ?? null) : null,
        name: r.name,
        description: r.description,
        format: r.format,
        mimetype: r.mimetype,
        size: r.size,
        hash: r.hash,
        resource_type: r.resource_type,
        extras_json: JSON.stringify(r.extras),
        position,
        state: 'active' as const,
        created: prev?.created ?? r.created ?? now,
        last_modified: r.last_modified,
      };
      const same = prev && !p.upload && sameResource(prev, base);
      return { ...base, metadata_modified: same ? prev.metadata_modified : (times?.modified ?? now) };
    });
    const tagNames = input.tags;
    const after: FullDataset = {
      row,
      org,
      tags: tagNames.map((name) => ({ id: current?.tags.find((t) => t.name === name)?.id ?? '', name })),
      extras: input.extras,
      groups: [...groups].sort((a, b) => a.name.localeCompare(b.name)),
      resources: resourceRows,
      licence: licence ?? null,
    };
    if (current && !changed(current, after)) return { full: current };
    return { full: after, write: { c, current, after, groupIds, tagNames, planned, now, doc: prepareDoc(searchDocOf(after)) } };
  }

  /**
   * Write composed datasets in the caller's transaction, in a few statements for all of them: rows,
   * tags, extras, categories, resources, redirects, activities, audit entries, one data-version bump
   * and the search documents. A dataset changed by someone else since it was read aborts with Retry.
   */
  private async writeComposed(trx: Trx, ws: ComposedWrite[]): Promise<void> {
    const updates = ws.filter((w) => w.current);
    const creates = ws.filter((w) => !w.current);
    const updatedIds = updates.map((w) => w.after.row.id);
    // Nobody wrote these datasets since they were read.
    for (const part of slices(updates, 500)) {
      const now = new Map((await trx.selectFrom('catalog_datasets').select(['id', 'metadata_modified', 'state']).where('id', 'in', part.map((w) => w.current!.row.id)).execute()).map((r) => [r.id, r]));
      for (const w of part) {
        const r = now.get(w.current!.row.id);
        if (!r || r.metadata_modified !== w.current!.row.metadata_modified || r.state !== w.current!.row.state) throw new Retry();
      }
    }
    const tagIds = await catalogStore.tagIds(trx, [...new Set(ws.flatMap((w) => w.tagNames))], randomUUID);
    for (const w of ws) w.after.tags = w.tagNames.map((name) => ({ id: tagIds.get(name)!, name }));
    for (const part of slices(creates, 40)) await trx.insertInto('catalog_datasets').values(part.map((w) => w.after.row)).execute();
    for (const w of updates) await catalogStore.updateDataset(trx, w.after.row.id, w.after.row);
    for (const part of slices(updatedIds, 500)) {
      await trx.deleteFrom('catalog_dataset_tags').where('dataset_id', 'in', part).execute();
      await trx.deleteFrom('catalog_dataset_extras').where('dataset_id', 'in', part).execute();
      await trx.deleteFrom('catalog_dataset_groups').where('dataset_id', 'in', part).execute();
    }
    const tagRows = ws.flatMap((w) => w.after.tags.map((t, position) => ({ dataset_id: w.after.row.id, tag_id: t.id, position })));
    for (const part of slices(tagRows, 300)) await trx.insertInto('catalog_dataset_tags').values(part).execute();
    const extraRows = ws.flatMap((w) => Object.entries(w.after.extras).map(([key, value]) => ({ dataset_id: w.after.row.id, key, value })));
    for (const part of slices(extraRows, 300)) await trx.insertInto('catalog_dataset_extras').values(part).execute();
    const groupRows = ws.flatMap((w) => w.groupIds.map((group_id) => ({ dataset_id: w.after.row.id, group_id })));
    for (const part of slices(groupRows, 400)) await trx.insertInto('catalog_dataset_groups').values(part).execute();
    // Resources: exactly these (by id) for every dataset written; the ones that stay are updated in place.
    const existing = new Set<string>();
    for (const w of updates) {
      const keep = w.after.resources.map((r) => r.id);
      let del = trx.deleteFrom('catalog_resources').where('package_id', '=', w.after.row.id);
      if (keep.length) del = del.where('id', 'not in', keep);
      await del.execute();
    }
    for (const part of slices(updatedIds, 500)) for (const r of await trx.selectFrom('catalog_resources').select('id').where('package_id', 'in', part).execute()) existing.add(r.id);
    const resources = ws.flatMap((w) => w.after.resources);
    // Only resources that changed are updated (a re-harvest usually changes a field or two of a dataset).
    const rowKey = (r: ResourceRow) => JSON.stringify(Object.entries(r).sort());
    const before = new Map(updates.flatMap((w) => w.current!.resources.map((r) => [r.id, rowKey(r)] as const)));
    for (const r of resources) if (existing.has(r.id) && before.get(r.id) !== rowKey(r)) await trx.updateTable('catalog_resources').set(r).where('id', '=', r.id).execute();
    for (const part of slices(resources.filter((r) => !existing.has(r.id)), 40)) await trx.insertInto('catalog_resources').values(part).execute();
    for (const w of updates) if (w.current!.row.name !== w.after.row.name) await catalogStore.addRedirect(trx, w.current!.row.name, w.after.row.id, w.now);
    for (const part of slices(ws.map((w) => w.after.row.name), 500)) await trx.deleteFrom('catalog_name_redirects').where('old_name', 'in', part).execute();
    // Activities and audit entries, one of each per dataset; one data-version bump for all.
    await this.recordMany(
      trx,
      ws.map((w) => ({ c: w.c, type: w.current ? 'changed package' : 'new package', action: w.current ? 'catalog.package.update' : 'catalog.package.create', before: w.current, after: w.after })),
    );
    await writeDocs(trx, this.deps.dialect, ws.map((w) => w.doc));
  }

  /**
   * Many datasets written by a system caller (a harvest page, an import), each created or replaced
   * as package_create / package_update would (validation, activity, audit, search document), but in
   * one transaction and a few statements for all of them. Each item's outcome is its own: an item
   * that fails validation is reported and left out; if the transaction itself fails (a name taken
   * meanwhile, a concurrent edit), every item is written again on its own, so one bad item never
   * costs the others.
   */
  async saveMany(c: Caller, items: { dict: DataDict; times?: SourceTimes }[]): Promise<BatchOutcome[]> {
    if (!c.system) throw denied('Only system imports may write datasets in batches');
    const out: BatchOutcome[] = new Array(items.length);
    const seen = new Set<string>();
    const later: number[] = [];
    const batch: number[] = [];
    items.forEach((it, i) => {
      const id = typeof it.dict.id === 'string' ? it.dict.id : '';
      // The same dataset twice in one batch: the later one is written after, on its own.
      if (!id || seen.has(id)) later.push(i);
      else {
        seen.add(id);
        batch.push(i);
      }
    });
    const ids = batch.map((i) => items[i]!.dict.id as string);
    const currents = await catalogStore.full(this.db, ids);
    const refs = this.refs();
    const lk = await this.batchLookups(items.map((it) => it.dict), refs);
    const ws: { i: number; w: ComposedWrite }[] = [];
    const names = new Map<string, number>();
    for (const i of batch) {
      const { dict, times } = items[i]!;
      const current = currents.get(dict.id as string) ?? null;
      try {
        let v;
        if (current) {
          const data: DataDict = { ...dict };
          delete data.id;
          v = await validatePackage(data, lk, { id: current.row.id, input: inputOf(current) });
        } else v = await validatePackage(dict, lk, null);
        if (!v.input) throw invalid(v.issues);
        const taken = names.get(v.input.name);
        if (taken !== undefined) throw invalid([{ field: 'name', code: 'nameTaken', message: 'That URL is already in use.' }]);
        const composed = await this.compose(c, v.input, current, { times }, refs);
        if (!composed.write) {
          out[i] = { ok: true, full: composed.full, changed: false, created: false };
          continue;
        }
        names.set(v.input.name, i);
        ws.push({ i, w: composed.write });
      } catch (error) {
        out[i] = { ok: false, error };
      }
    }
    if (ws.length) {
      try {
        await this.db.transaction().execute((trx) => this.writeComposed(trx, ws.map((x) => x.w)));
        for (const { i, w } of ws) out[i] = { ok: true, full: w.after, changed: true, created: !w.current };
      } catch (err) {
        if (!(err instanceof Retry) && !isUniqueViolation(err)) throw err;
        for (const { i } of ws) later.push(i);
      }
    }
    for (const i of later.sort((a, b) => a - b)) out[i] = await this.saveOne(c, items[i]!);
    return out;
  }

  /** One item of saveMany on its own: package_update if the dataset exists, else package_create. */
  private async saveOne(c: Caller, item: { dict: DataDict; times?: SourceTimes }): Promise<BatchOutcome> {
    try {
      const id = typeof item.dict.id === 'string' ? item.dict.id : '';
      if (id && (await catalogStore.datasetById(this.db, id))) {
        const r = await this.updatePackage(c, item.dict, 'update', { times: item.times });
        return { ok: true, full: r.full, changed: r.changed, created: false };
      }
      return { ok: true, full: await this.createPackage(c, item.dict, { times: item.times }), changed: true, created: true };
    } catch (error) {
      return { ok: false, error };
    }
  }

  /** Lookups for validating many datasets: names, ids and resource ids of the batch read in a few queries. */
  private async batchLookups(dicts: DataDict[], writeRefs: WriteRefs): Promise<Lookups> {
    const base = this.lookups();
    const refs = new Set<string>();
    const resourceIds = new Set<string>();
    for (const d of dicts) {
      if (typeof d.name === 'string') refs.add(d.name);
      if (typeof d.id === 'string') refs.add(d.id);
      if (Array.isArray(d.resources)) for (const r of d.resources) if (isDict(r) && typeof r.id === 'string') resourceIds.add(r.id);
    }
    const holders = new Map<string, string>();
    for (const part of slices([...refs], 400)) {
      for (const r of await this.db.selectFrom('catalog_datasets').select(['id', 'name']).where((eb) => eb.or([eb('name', 'in', part), eb('id', 'in', part)])).execute()) {
        holders.set(r.id, r.id);
        if (!holders.has(r.name) || r.name !== r.id) holders.set(r.name, r.id);
      }
    }
    const resourceOwner = new Map<string, string>();
    for (const part of slices([...resourceIds], 500)) for (const r of await this.db.selectFrom('catalog_resources').select(['id', 'package_id']).where('id', 'in', part).execute()) resourceOwner.set(r.id, r.package_id);
    const groups = new Map<string, Promise<string | undefined>>();
    return {
      // Organizations and licences through the batch's memoized refs, which compose reads again.
      org: async (ref) => (await writeRefs.org(ref))?.id,
      licence: async (id) => !!(await writeRefs.licence(id)),
      group: (ref) => {
        let g = groups.get(ref);
        if (!g) groups.set(ref, (g = base.group(ref)));
        return g;
      },
      nameHolder: async (name) => (refs.has(name) ? holders.get(name) : base.nameHolder(name)),
      resourceIdTaken: async (id, pkg) => (resourceIds.has(id) ? resourceOwner.has(id) && resourceOwner.get(id) !== pkg : base.resourceIdTaken(id, pkg)),
    };
  }

  // ---------------------------------------------------------------- resources

  private async packageOfResource(c: Caller, resourceId: unknown): Promise<{ pkg: FullDataset; index: number }> {
    if (typeof resourceId !== 'string' || !resourceId) throw invalid([{ field: 'id', code: 'missing', message: 'Missing value' }]);
    const res = await catalogStore.resource(this.db, resourceId);
    if (!res || res.state !== 'active') throw notFoundError('Resource was not found.');
    const pkg = await this.full(res.package_id);
    if (!pkg) throw notFoundError('Resource was not found.');
    await this.assertCanEdit(c, pkg.row);
    return { pkg, index: pkg.resources.findIndex((r) => r.id === resourceId) };
  }

  async resourceShow(c: Caller, id: string): Promise<{ pkg: FullDataset; resource: ResourceRow }> {
    const res = await catalogStore.resource(this.db, id);
    if (!res || res.state !== 'active') throw notFoundError('Resource was not found.');
    const { full } = await this.show(c, res.package_id);
    const resource = full.resources.find((r) => r.id === id);
    if (!resource) throw notFoundError('Resource was not found.');
    return { pkg: full, resource };
  }

  /** resource_create: a new resource at the end (or at `position`) of its dataset. */
  async resourceCreate(c: Caller, d: DataDict, upload?: UploadedFile): Promise<ResourceRow> {
    if (typeof d.package_id !== 'string' || !d.package_id) throw invalid([{ field: 'package_id', code: 'missing', message: 'Missing value' }]);
    const r = await this.resolve(d.package_id);
    if (!r) throw notFoundError('Package was not found.');
    await this.assertCanEdit(c, r.row);
    const pkg = await this.full(r.row.id);
    if (!pkg) throw notFoundError('Package was not found.');
    const v = await validateResource(stripUploadField(d), '', this.lookups(), pkg.row.id);
    if (!v.resource) throw invalid(v.issues);
    if (v.resource.url_type === 'upload' && !upload) throw invalid([{ field: 'upload', code: 'uploadMissing', message: 'url_type "upload" needs a file in the upload field' }]);
    const list = pkg.resources.map(resourceInputOf);
    const newRes = { ...v.resource, id: v.resource.id ?? randomUUID() };
    list.push(newRes);
    const input = { ...inputOf(pkg), resources: list };
    const uploads = upload ? new Map([[list.length - 1, upload]]) : undefined;
    const out = await this.save(c, input, pkg, { uploads }).catch(unwrapResource(list.length - 1));
    return out.full.resources.find((x) => x.id === newRes.id)!;
  }

  /** resource_update (fields left out are cleared; the stored file stays unless replaced) or resource_patch. */
  async resourceUpdate(c: Caller, d: DataDict, mode: 'update' | 'patch', upload?: UploadedFile): Promise<ResourceRow> {
    const { pkg, index } = await this.packageOfResource(c, d.id);
    const prev = pkg.resources[index]!;
    const prevInput = resourceInputOf(prev);
    const base: DataDict = mode === 'patch' ? { ...prevInput.extras, ...withoutExtras(prevInput), ...stripUploadField(d) } : { ...stripUploadField(d) };
    if (mode === 'update' && base.url === undefined && prev.url_type === 'upload' && !upload) {
      base.url = prev.url;
      base.url_type = 'upload';
    }
    if (upload) base.url_type = 'upload';
    const v = await validateResource(base, '', this.lookups(), pkg.row.id, new Set([prev.id]));
    if (!v.resource) throw invalid(v.issues);
    const list = pkg.resources.map(resourceInputOf);
    list[index] = { ...v.resource, id: prev.id, created: prev.created };
    const out = await this.save(c, { ...inputOf(pkg), resources: list }, pkg, { uploads: upload ? new Map([[index, upload]]) : undefined }).catch(unwrapResource(index));
    return out.full.resources.find((x) => x.id === prev.id)!;
  }

  async resourceDelete(c: Caller, id: unknown): Promise<void> {
    const { pkg, index } = await this.packageOfResource(c, id);
    const list = pkg.resources.map(resourceInputOf).filter((_, i) => i !== index);
    await this.save(c, { ...inputOf(pkg), resources: list }, pkg, {});
  }

  // ---------------------------------------------------------------- organizations

  async organizationCreate(c: Caller, d: DataDict): Promise<OrgRow> {
    if (!this.isAdmin(c)) throw denied(c.user ? `User ${c.user.email} not authorized to create organizations` : 'User not authorized to create organizations');
    const { org, issues } = await this.validateOrg(d, null);
    if (!org) throw invalid(issues);
    try {
      await this.db.transaction().execute(async (trx) => {
        await catalogStore.insertOrg(trx, org);
        await this.recordOrg(trx, c, 'new organization', null, org);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw invalid([{ field: 'name', code: 'groupNameTaken', message: 'Group name already exists in database' }]);
      throw err;
    }
    return org;
  }

  /** organization_update / organization_patch (administrators). A new name rewrites the search documents of the organization's datasets in the same transaction. */
  async organizationUpdate(c: Caller, d: DataDict, mode: 'update' | 'patch'): Promise<OrgRow> {
    if (!this.isAdmin(c)) throw denied(c.user ? `User ${c.user.email} not authorized to edit organizations` : 'User not authorized to edit organizations');
    const ref = typeof d.id === 'string' && d.id ? d.id : typeof d.name === 'string' ? d.name : null;
    if (!ref) throw invalid([{ field: 'id', code: 'missing', message: 'Missing value' }]);
    const current = await catalogStore.orgByIdOrName(this.db, ref);
    if (!current) throw notFoundError('Organization was not found.');
    const data = mode === 'patch' ? { ...orgEditable(current), ...d } : d;
    const { org, issues } = await this.validateOrg(data, current);
    if (!org) throw invalid(issues);
    if (JSON.stringify(org) === JSON.stringify(current)) return current;
    // Search documents carry the organization's name: rewrite them when it changes.
    let docs: PreparedSearchDoc[] = [];
    let ids: string[] = [];
    if (org.name !== current.name) {
      ids = (await this.db.selectFrom('catalog_datasets').select('id').where('owner_org', '=', org.id).execute()).map((r) => r.id);
      const fulls = await this.fullMany(ids);
      docs = fulls.map((f) => prepareDoc(searchDocOf({ ...f, org })));
    }
    try {
      await this.db.transaction().execute(async (trx) => {
        const now = await trx.selectFrom('catalog_organizations').selectAll().where('id', '=', current.id).executeTakeFirst();
        if (JSON.stringify(now) !== JSON.stringify(current)) throw new DomainError('conflict', 'The organization changed while it was being saved; try again');
        await catalogStore.updateOrg(trx, current.id, org);
        await this.recordOrg(trx, c, 'changed organization', current, org);
        for (const doc of docs) await writeDoc(trx, this.deps.dialect, doc);
        if (ids.length) await bumpVersion(trx, this.deps.clock, CATALOG_SCOPE);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw invalid([{ field: 'name', code: 'groupNameTaken', message: 'Group name already exists in database' }]);
      throw err;
    }
    return org;
  }

  private async recordOrg(trx: Trx, c: Caller, type: 'new organization' | 'changed organization', before: OrgRow | null, after: OrgRow): Promise<void> {
    const clock = this.deps.clock;
    const changes: Record<string, [unknown, unknown]> = {};
    for (const k of Object.keys(after) as (keyof OrgRow)[]) if (!before || before[k] !== after[k]) changes[k] = [before?.[k] ?? null, after[k]];
    await catalogStore.insertActivity(trx, {
      activity_type: type,
      object_id: after.id,
      user_id: c.user?.id ?? null,
      actor_label: c.actor.label,
      timestamp: clock.now().toISOString(),
      data_json: JSON.stringify({ group: after }),
      diff_json: JSON.stringify(changes),
    });
    await audit(trx, clock, c.actor, { action: before ? 'catalog.organization.update' : 'catalog.organization.create', entityType: 'catalog_organization', entityId: after.id, before: before ?? undefined, after });
    await bumpVersion(trx, clock, CATALOG_SCOPE);
  }

  private async validateOrg(d: DataDict, current: OrgRow | null): Promise<{ org?: OrgRow; issues: Issue[] }> {
    const issues: Issue[] = [];
    const c = { add: (field: string, code: string, message: string) => issues.push({ field, code, message }) };
    const str = (f: string, max: number, fallback: string | null): string | null => {
      const v = d[f];
      if (v === undefined || v === null) return fallback;
      if (typeof v !== 'string') {
        c.add(f, 'string', 'Must be a string');
        return fallback;
      }
      if (v.length > max) {
        c.add(f, 'tooLong', `Must be a maximum of ${max} characters long`);
        return fallback;
      }
      return v;
    };
    let name = current?.name;
    if (d.name !== undefined || !current) {
      const problem = d.name === undefined || d.name === null || d.name === '' ? undefined : nameProblem(d.name);
      if (d.name === undefined || d.name === null || d.name === '') c.add('name', 'missing', 'Missing value');
      else if (problem) issues.push(problem);
      else {
        const n = d.name as string;
        {
          const holder = await catalogStore.orgByIdOrName(this.db, n);
          if (holder && holder.id !== current?.id) c.add('name', 'groupNameTaken', 'Group name already exists in database');
          else name = n;
        }
      }
    }
    const translated = isDict(d.title_translated) ? d.title_translated : {};
    const titleJa = (typeof translated.ja === 'string' ? translated.ja : null) ?? str('title', 1000, current?.title_ja ?? null);
    const titleEn = (typeof translated.en === 'string' ? translated.en : null) ?? str('title_en', 1000, current?.title_en ?? null);
    const description = str('description', 10_000, current && d.description === undefined ? current.description : '') ?? '';
    const imageUrl = str('image_url', 2000, current && d.image_url === undefined ? current.image_url : '') ?? '';
    if (imageUrl && !/^https?:\/\//.test(imageUrl)) c.add('image_url', 'urlScheme', 'The URL must start with http:// or https://');
    let id = current?.id ?? randomUUID();
    if (!current && d.id !== undefined && d.id !== null && d.id !== '') {
      if (typeof d.id !== 'string' || !/^[A-Za-z0-9_-]{2,100}$/.test(d.id)) c.add('id', 'orgId', 'Must be 2 to 100 letters, digits, - or _');
      else if (await catalogStore.orgByIdOrName(this.db, d.id)) c.add('id', 'groupNameTaken', 'Group name already exists in database');
      else id = d.id;
    }
    const kind = d.kind === undefined ? (current?.kind ?? 'other') : d.kind;
    if (!['tmg', 'bureau', 'municipality', 'other'].includes(kind as string)) c.add('kind', 'orgKind', 'Must be one of tmg, bureau, municipality, other');
    const lgCode = str('lg_code', 6, current && d.lg_code === undefined ? current.lg_code : null);
    if (lgCode && !/^\d{6}$/.test(lgCode)) c.add('lg_code', 'lgCode', 'Must be a 6-digit local government code');
    if (issues.length || !name) return { issues };
    return {
      issues,
      org: {
        id,
        name,
        title_ja: titleJa || name,
        title_en: titleEn || titleJa || name,
        kana: current?.kana ?? null,
        lg_code: lgCode || null,
        kind: kind as OrgRow['kind'],
        parent_id: current?.parent_id ?? null,
        description,
        image_url: imageUrl,
        state: current?.state ?? 'active',
        created: current?.created ?? this.deps.clock.now().toISOString(),
      },
    };
  }

  // ---------------------------------------------------------------- organizations and groups (reads)

  orgs(): Promise<OrgRow[]> {
    return catalogStore.orgs(this.db);
  }
  org(ref: string): Promise<OrgRow | undefined> {
    return catalogStore.orgByIdOrName(this.db, ref);
  }
  groups(): Promise<GroupRow[]> {
    return catalogStore.groups(this.db);
  }
  group(ref: string): Promise<GroupRow | undefined> {
    return catalogStore.groupByIdOrName(this.db, ref);
  }
  licences() {
    return catalogStore.licences(this.db);
  }
  oldNames(datasetId: string) {
    return catalogStore.oldNames(this.db, datasetId);
  }
}

/** As CKAN's resource_create and resource_update do: a resource's own errors, without the `resources.N.` path. */
function unwrapResource(index: number) {
  return (err: unknown): never => {
    if (err instanceof DomainError && err.code === 'validation-failed') {
      const prefix = `resources.${index}.`;
      const issues = ((err.extra.issues as Issue[] | undefined) ?? []).map((i) => (i.field.startsWith(prefix) ? { ...i, field: i.field.slice(prefix.length) } : i));
      throw invalid(issues, err.message);
    }
    throw err;
  };
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

function sameResource(prev: ResourceRow, next: Omit<ResourceRow, 'metadata_modified'>): boolean {
  const { metadata_modified: _m, ...p } = prev;
  return JSON.stringify(Object.entries(p).sort()) === JSON.stringify(Object.entries(next).sort());
}

/** Whether a write would change anything a reader sees (a re-import of the same row changes nothing). */
function changed(a: FullDataset, b: FullDataset): boolean {
  const strip = (f: FullDataset) => {
    const d = packageDict(f, '');
    const { metadata_modified: _m, tags, resources, ...rest } = d;
    return JSON.stringify({ ...rest, tags: tags.map((t) => t.name), resources: resources.map(({ metadata_modified: _r, ...x }) => x) });
  };
  return strip(a) !== strip(b) || a.row.first_published_at !== b.row.first_published_at;
}

/** The dataset as CKAN's package_show gives it, minus what package_update would not take (the base of a patch). */
function editableDict(f: FullDataset): DataDict {
  const i = inputOf(f);
  return {
    name: i.name,
    title: i.title,
    notes: i.notes,
    license_id: i.license_id,
    author: i.author,
    author_email: i.author_email,
    maintainer: i.maintainer,
    maintainer_email: i.maintainer_email,
    url: i.url,
    version: i.version,
    private: i.private,
    state: i.state,
    type: i.type,
    owner_org: i.owner_org,
    tags: i.tags.map((name) => ({ name })),
    extras: Object.entries(i.extras).map(([key, value]) => ({ key, value })),
  };
}

function orgEditable(o: OrgRow): DataDict {
  return { name: o.name, title_translated: { ja: o.title_ja, en: o.title_en }, description: o.description, image_url: o.image_url, kind: o.kind, lg_code: o.lg_code };
}

function withoutExtras(r: ResourceInput): DataDict {
  const { extras: _e, ...rest } = r;
  return rest as unknown as DataDict;
}

function stripUploadField(d: DataDict): DataDict {
  const { upload: _u, ...rest } = d;
  return rest;
}
