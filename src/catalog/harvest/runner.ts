/**
 * One harvest run of one source. Rules (docs/catalog-harvest.md):
 * - only one run per source at a time: the run holds the lease `catalog-harvest:<source id>` in the
 *   core `leases` table, renewed while it runs; a second run is refused (HarvestBusy);
 * - datasets are written by the catalog service in batches (saveMany: up to BATCH datasets in one
 *   transaction with their rows, activities, audit entries and search documents; a batch that fails
 *   as a whole is written again one dataset at a time), each with an id derived from source + remote
 *   id, so a re-run — or the run after a killed one — finds it again and never duplicates it;
 * - a record that cannot be read or is refused by the catalog is reported with its reason and
 *   skipped; the run goes on;
 * - the high-water mark (CKAN) and deletions move only when the source was read to the end.
 */
import { createHash } from 'node:crypto';
import type { Db, Dialect } from '../../core/db/index.js';
import type { Clock } from '../../core/clock.js';
import { DomainError } from '../../core/errors.js';
import { CatalogService, stableUuid, systemCaller, type BatchOutcome, type Caller } from '../service.js';
import { PACKAGE_FIELDS, type DataDict, type Issue } from '../validate.js';
import { parseConfigRow } from './sources.js';
import { harvestStore, type ObjectRow, type SourceRow } from './store.js';
import { harvestLeaseName, withLease } from './lease.js';
import { HarvestHttp } from './http.js';
import { CkanGatherer } from './ckan.js';
import { DcatGatherer } from './dcat.js';
import type { Gatherer, PageProblem, RemoteDataset, RemoteRecord } from './model.js';
import type { RunStatus, RunTrigger } from './tables.js';

export interface HarvestDeps {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  dataDir: string;
}

export interface RunProgress {
  runId: number;
  seen: number;
  /** What the source said it holds for this run, when it says (CKAN's count, hydra:totalItems). */
  expected: number | null;
  added: number;
  updated: number;
  unchanged: number;
  deleted: number;
  failed: number;
}

export interface RunOptions {
  trigger: RunTrigger;
  /** Read every record, ignoring the high-water mark and the unchanged-content shortcut. */
  full?: boolean;
  onProgress?: (p: RunProgress) => void;
  /** Called once the lease is held and the run row exists. */
  onStart?: (runId: number) => void;
  leaseTtlMs?: number;
  /** The catalog service to write through (the benchmark passes its own). */
  catalog?: CatalogService;
}

export interface RecordError {
  remoteId: string;
  name: string;
  reason: string;
}

export interface RunReport {
  errors: RecordError[];
  pages: PageProblem[];
  /** Errors beyond those listed. */
  moreErrors: number;
}

export interface RunSummary extends RunProgress {
  status: RunStatus;
  requests: number;
  message: string;
  report: RunReport;
}

export class HarvestBusy extends DomainError {
  constructor(source: string) {
    super('conflict', `A harvest of ${source} is already running`);
  }
}

class LeaseLost extends Error {}

const LIST_ERRORS = 500;
/** Datasets written per catalog transaction (saveMany): a few hundred ms of write lock at most. */
const BATCH = 100;

interface Pending {
  rec: RemoteDataset;
  obj: ObjectRow | undefined;
  datasetId: string;
  dict: DataDict;
  times: { created: string; modified: string } | undefined;
  hash: string;
}
export const DEFAULT_LEASE_MS = 60_000;
const HARVEST_EXTRAS = ['harvest_source_id', 'harvest_source_title', 'harvest_remote_id', 'harvest_url'];

function issuesText(err: unknown): string {
  if (err instanceof DomainError) {
    const issues = (err.extra.issues as Issue[] | undefined) ?? err.fields.map((f) => ({ field: f.field, message: f.message }));
    return issues.length ? issues.map((i) => `${i.field}: ${i.message}`).join('; ') : err.message;
  }
  return (err as Error).message ?? String(err);
}

const nameTaken = (err: unknown) => err instanceof DomainError && ((err.extra.issues as Issue[] | undefined) ?? err.fields).some((i) => i.field === 'name');

export async function runHarvest(deps: HarvestDeps, sourceRef: string, opts: RunOptions): Promise<RunSummary> {
  const source = await harvestStore.source(deps.db, sourceRef);
  if (!source) throw new DomainError('not-found', `No harvest source ${sourceRef}`);
  const r = await withLease(deps.db, deps.clock, harvestLeaseName(source.id), opts.leaseTtlMs ?? DEFAULT_LEASE_MS, ({ owner, lost }) => new Run(deps, source, owner, opts, lost).execute());
  if (!r.held) throw new HarvestBusy(source.name);
  return r.value;
}

class Run {
  private runId = 0;
  private readonly svc: CatalogService;
  private readonly caller: Caller;
  private readonly p: RunProgress = { runId: 0, seen: 0, expected: null, added: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0 };
  private readonly report: RunReport = { errors: [], pages: [], moreErrors: 0 };
  private objects = new Map<string, ObjectRow>();
  private readonly activeNow = new Set<string>();
  private licences = new Set<string>();
  private licenceByUrl = new Map<string, string>();
  private groups = new Set<string>();
  private orgMap = new Map<string, string>();
  private lastFlush = 0;

  constructor(
    private readonly deps: HarvestDeps,
    private readonly source: SourceRow,
    private readonly owner: string,
    private readonly opts: RunOptions,
    private readonly leaseLost: () => boolean,
  ) {
    this.svc = opts.catalog ?? new CatalogService(deps);
    this.caller = systemCaller(`harvest:${source.name}`);
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  async execute(): Promise<RunSummary> {
    const { db } = this.deps;
    const startedAt = this.now();
    await harvestStore.markInterrupted(db, this.source.id, startedAt);
    this.runId = await harvestStore.insertRun(db, {
      source_id: this.source.id,
      status: 'running',
      trigger: this.opts.trigger,
      full: this.opts.full ? 1 : 0,
      owner: this.owner,
      started_at: startedAt,
      finished_at: null,
      seen: 0,
      added: 0,
      updated: 0,
      unchanged: 0,
      deleted: 0,
      failed: 0,
      requests: 0,
      report_json: '{}',
      message: '',
    });
    this.p.runId = this.runId;
    await harvestStore.updateSource(db, this.source.id, { last_run_id: this.runId, last_run_at: startedAt, last_status: 'running' });
    this.opts.onStart?.(this.runId);

    const config = parseConfigRow(this.source);
    const http = new HarvestHttp(config.timeoutSeconds * 1000, config.retries);
    let status: RunStatus = 'failed';
    let message = '';
    try {
      await this.loadLookups(config.orgMap);
      this.objects = new Map((await harvestStore.objects(db, this.source.id)).map((o) => [o.remote_id, o]));
      const gatherer: Gatherer =
        this.source.kind === 'ckan'
          ? new CkanGatherer(http, this.source.url, { since: this.opts.full ? null : this.source.high_water, pageSize: config.pageSize })
          : new DcatGatherer(http, this.source.url, { format: config.format, sourceName: this.source.name });
      const g = await gatherer.gather(async (records, expected) => {
        if (expected !== null) this.p.expected = expected;
        for (let i = 0; i < records.length; i += BATCH) await this.many(records.slice(i, i + BATCH));
        await this.flush(false);
      });
      this.report.pages.push(...g.pages);
      if (g.present) await this.withdrawMissing(g.present);
      if (g.complete) {
        status = this.p.failed || !g.present ? 'partial' : 'succeeded';
        message = !g.present ? 'The source was read, but its full listing failed, so deletions were not checked.' : '';
        const set: Parameters<typeof harvestStore.updateSource>[2] = { last_success_at: startedAt };
        if (this.source.kind === 'ckan' && g.highWater) set.high_water = g.highWater;
        await harvestStore.updateSource(db, this.source.id, set);
      } else {
        status = 'failed';
        message = `The source could not be read to the end (${g.pages[0]?.reason ?? 'unknown reason'}); what was read is kept, and the next run starts again from the last complete run.`;
      }
    } catch (err) {
      status = 'failed';
      message = err instanceof LeaseLost ? 'The run lost its lease (it was stalled past its expiry) and stopped; another run carries on.' : `The run stopped: ${(err as Error).message}`;
    }
    const finishedAt = this.now();
    await harvestStore.updateRun(db, this.runId, { ...this.counts(), requests: http.requests, status, message, finished_at: finishedAt, report_json: JSON.stringify(this.report) });
    await harvestStore.updateSource(db, this.source.id, { last_status: status });
    return { ...this.p, status, requests: http.requests, message, report: this.report };
  }

  private counts() {
    const { seen, added, updated, unchanged, deleted, failed } = this.p;
    return { seen, added, updated, unchanged, deleted, failed };
  }

  /** Counts on the run row as they go (pages show a run in progress; a killed run shows how far it got). */
  private async flush(force: boolean): Promise<void> {
    this.opts.onProgress?.({ ...this.p });
    const t = Date.now();
    if (!force && t - this.lastFlush < 1000) return;
    this.lastFlush = t;
    await harvestStore.updateRun(this.deps.db, this.runId, this.counts());
  }

  private async loadLookups(orgMap: Record<string, string>): Promise<void> {
    const lic = await this.svc.licences();
    this.licences = new Set(lic.map((l) => l.id));
    for (const l of lic) if (l.url) this.licenceByUrl.set(normUrl(l.url), l.id);
    this.groups = new Set((await this.svc.groups()).map((g) => g.name));
    for (const [remote, local] of Object.entries(orgMap)) {
      const o = await this.svc.org(local);
      if (o) this.orgMap.set(remote, o.id);
    }
  }

  private fail(remoteId: string, name: string, reason: string): void {
    this.p.failed++;
    if (this.report.errors.length < LIST_ERRORS) this.report.errors.push({ remoteId, name, reason });
    else this.report.moreErrors++;
  }

  /** A slice of a page: failures and withdrawals one by one, every changed dataset in one catalog batch. */
  private async many(recs: RemoteRecord[]): Promise<void> {
    if (this.leaseLost()) throw new LeaseLost();
    const pending: Pending[] = [];
    for (const rec of recs) {
      this.p.seen++;
      if (!rec.ok) {
        this.fail(rec.remoteId, rec.remoteName, rec.reason);
        continue;
      }
      const obj = this.objects.get(rec.remoteId);
      const datasetId = obj?.dataset_id ?? stableUuid(`harvest:${this.source.id}`, rec.remoteId);
      if (rec.withdrawn) {
        if (obj?.state === 'active' || (await harvestStore.datasetState(this.deps.db, datasetId))?.state === 'active') await this.withdraw(rec.remoteId, datasetId, rec.remoteName);
        else this.p.unchanged++;
        continue;
      }
      this.activeNow.add(rec.remoteId);
      const dict = this.toPackage(rec, datasetId);
      const times = rec.modified ? { created: rec.created ?? rec.modified, modified: rec.modified } : undefined;
      const hash = createHash('sha1').update(JSON.stringify([dict, times ?? null])).digest('hex');
      if (!this.opts.full && obj && obj.state === 'active' && obj.content_hash === hash && obj.remote_name === rec.remoteName) {
        this.p.unchanged++;
        continue;
      }
      pending.push({ rec, obj, datasetId, dict, times, hash });
    }
    if (!pending.length) return;
    const states = await harvestStore.datasetStates(this.deps.db, pending.map((x) => x.datasetId));
    for (const x of pending) {
      const current = states.get(x.datasetId);
      // A local name chosen on an earlier run (the source's name was taken here) is kept while the source keeps its name.
      if (current && x.obj && x.obj.remote_name === x.rec.remoteName) x.dict.name = current.name;
    }
    const outcomes = await this.svc.saveMany(
      this.caller,
      pending.map((x) => ({ dict: { ...x.dict, id: x.datasetId }, times: x.times })),
    );
    const objects: ObjectRow[] = [];
    for (const [k, x] of pending.entries()) {
      let r: BatchOutcome = outcomes[k]!;
      if (!r.ok && nameTaken(r.error)) {
        // The source's name is held here by another dataset: this one takes the source's name as a suffix.
        const name = `${String(x.dict.name).slice(0, 99 - this.source.name.length)}-${this.source.name}`;
        r = (await this.svc.saveMany(this.caller, [{ dict: { ...x.dict, name, id: x.datasetId }, times: x.times }]))[0]!;
      }
      if (!r.ok) {
        this.fail(x.rec.remoteId, x.rec.remoteName, issuesText(r.error));
        continue;
      }
      let outcome: 'added' | 'updated' | 'unchanged' = r.created ? 'added' : r.changed ? 'updated' : 'unchanged';
      if (states.get(x.datasetId)?.state === 'deleted' && outcome !== 'added') outcome = 'updated';
      this.p[outcome]++;
      objects.push({
        source_id: this.source.id,
        remote_id: x.rec.remoteId,
        dataset_id: x.datasetId,
        remote_name: x.rec.remoteName,
        remote_modified: x.rec.modified,
        content_hash: x.hash,
        state: 'active',
        last_run_id: this.runId,
        updated_at: this.now(),
      });
    }
    await harvestStore.upsertObjects(this.deps.db, objects);
  }

  /** The catalog's package dict of a remote dataset: this source's organization, local licences and categories, harvest extras. */
  private toPackage(rec: RemoteDataset, datasetId: string): DataDict {
    const d = rec.dict;
    const extras: Record<string, string> = {};
    for (const [k, v] of Object.entries((d.extras as Record<string, string>) ?? {})) {
      if ((PACKAGE_FIELDS as readonly string[]).includes(k) || HARVEST_EXTRAS.includes(k)) continue;
      if (Object.keys(extras).length >= 190) break;
      extras[k] = v;
    }
    let licenseId: string | null = null;
    if (typeof d.license_id === 'string' && this.licences.has(d.license_id)) licenseId = d.license_id;
    else if (typeof d.license_url === 'string') licenseId = this.licenceByUrl.get(normUrl(d.license_url)) ?? null;
    if (!licenseId) {
      const named = (d.license_title as string | null) ?? (d.license_url as string | null) ?? (d.license_id as string | null);
      if (named) extras.source_license = String(named).slice(0, 10_000);
    }
    extras.harvest_source_id = this.source.id;
    extras.harvest_source_title = this.source.title;
    extras.harvest_remote_id = rec.remoteId;
    if (rec.sourceUrl) extras.harvest_url = rec.sourceUrl;
    const resources = ((d.resources as DataDict[]) ?? []).map((r) => {
      const { remote_id, ...rest } = r;
      return { ...rest, id: stableUuid(datasetId, `resource:${String(remote_id)}`) };
    });
    return {
      name: rec.remoteName,
      title: d.title,
      notes: d.notes,
      license_id: licenseId,
      author: d.author,
      author_email: d.author_email,
      maintainer: d.maintainer,
      maintainer_email: d.maintainer_email,
      url: d.url,
      version: d.version,
      private: false,
      state: 'active',
      owner_org: (rec.remoteOrg && this.orgMap.get(rec.remoteOrg)) || this.source.org_id,
      tags: (d.tags as string[]).map((name) => ({ name })),
      extras: Object.entries(extras).map(([key, value]) => ({ key, value })),
      groups: ((d.groups as string[]) ?? []).filter((g) => this.groups.has(g)).map((name) => ({ name })),
      resources,
    };
  }

  private async withdraw(remoteId: string, datasetId: string, name: string): Promise<void> {
    try {
      const st = await harvestStore.datasetState(this.deps.db, datasetId);
      if (st && st.state !== 'deleted') await this.svc.deletePackage(this.caller, datasetId);
      await harvestStore.setObjectState(this.deps.db, this.source.id, remoteId, 'withdrawn', this.runId, this.now());
      this.p.deleted++;
    } catch (err) {
      this.fail(remoteId, name, `withdrawing: ${issuesText(err)}`);
    }
  }

  /** Datasets this source brought in that it no longer holds (deleted or made private there). */
  private async withdrawMissing(present: { by: 'name' | 'id'; values: Set<string> }): Promise<void> {
    for (const o of await harvestStore.objects(this.deps.db, this.source.id)) {
      if (o.state !== 'active' || this.activeNow.has(o.remote_id)) continue;
      if (present.values.has(present.by === 'name' ? o.remote_name : o.remote_id)) continue;
      if (this.leaseLost()) throw new LeaseLost();
      await this.withdraw(o.remote_id, o.dataset_id, o.remote_name);
    }
    await this.flush(true);
  }
}

function normUrl(u: string): string {
  return u.trim().replace(/^https?:\/\//i, '').replace(/\/+$/, '').toLowerCase();
}
