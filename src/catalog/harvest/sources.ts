/**
 * Harvest sources: validation and the staff-only service behind the API, the pages and the CLI.
 * Runs themselves are in runner.ts; they start in a separate process (spawn.ts).
 */
import { randomUUID } from 'node:crypto';
import type { AuthUser } from '../../core/auth/service.js';
import { audit, type Actor } from '../../core/audit.js';
import { DomainError, type FieldProblem } from '../../core/errors.js';
import type { Db } from '../../core/db/index.js';
import type { Clock } from '../../core/clock.js';
import { DEFAULT_CONFIG, parseConfig, type HarvestConfig } from './config.js';
import { harvestStore, type RunRow, type SourceRow } from './store.js';
import type { RunReport } from './runner.js';
import { leaseHolder, harvestLeaseName } from './lease.js';
import type { HarvestKind, HarvestSchedule } from './tables.js';

export const KINDS: readonly HarvestKind[] = ['ckan', 'dcat'];
export const SCHEDULES: readonly HarvestSchedule[] = ['manual', 'daily', 'weekly', 'monthly'];
const NAME = /^[a-z0-9][a-z0-9_-]{1,59}$/;

export interface SourceInput {
  name?: unknown;
  title?: unknown;
  kind?: unknown;
  url?: unknown;
  organization?: unknown;
  schedule?: unknown;
  config?: unknown;
  active?: unknown;
}

/** A source as the API and pages show it. */
export interface SourceView {
  id: string;
  name: string;
  title: string;
  kind: HarvestKind;
  url: string;
  organization: string;
  schedule: HarvestSchedule;
  config: HarvestConfig;
  active: boolean;
  created_at: string;
  updated_at: string;
  last_run_id: number | null;
  last_run_at: string | null;
  last_status: string | null;
  last_success_at: string | null;
  high_water: string | null;
  next_run_at: string | null;
}

/** A run as pages and the API show it: the row with its report read. */
export type RunView = Omit<RunRow, 'full' | 'owner' | 'report_json'> & { full: boolean; report: RunReport };

export function parseConfigRow(s: Pick<SourceRow, 'config_json' | 'kind'>): HarvestConfig {
  try {
    return parseConfig(JSON.parse(s.config_json), s.kind).config ?? { ...DEFAULT_CONFIG };
  } catch {
    return { ...DEFAULT_CONFIG };
  }
}

const PERIOD_MS: Record<HarvestSchedule, number | null> = { manual: null, daily: 86_400_000, weekly: 7 * 86_400_000, monthly: 30 * 86_400_000 };

/** When a scheduled source is due: a period after its last run started (now if it never ran). */
export function nextRunAt(s: Pick<SourceRow, 'schedule' | 'active' | 'last_run_at'>): string | null {
  const period = PERIOD_MS[s.schedule];
  if (!period || !s.active) return null;
  if (!s.last_run_at) return new Date(0).toISOString();
  return new Date(Date.parse(s.last_run_at) + period).toISOString();
}

export function sourceView(s: SourceRow): SourceView {
  return {
    id: s.id,
    name: s.name,
    title: s.title,
    kind: s.kind,
    url: s.url,
    organization: s.org_id,
    schedule: s.schedule,
    config: parseConfigRow(s),
    active: s.active === 1,
    created_at: s.created_at,
    updated_at: s.updated_at,
    last_run_id: s.last_run_id,
    last_run_at: s.last_run_at,
    last_status: s.last_status,
    last_success_at: s.last_success_at,
    high_water: s.high_water,
    next_run_at: nextRunAt(s),
  };
}

export function runView(r: RunRow): RunView {
  let report: RunView['report'] = { errors: [], pages: [], moreErrors: 0 };
  try {
    report = { ...report, ...(JSON.parse(r.report_json) as Partial<RunView['report']>) };
  } catch {
    /* an unreadable report shows as empty */
  }
  const { report_json: _r, owner: _o, full, ...rest } = r;
  return { ...rest, full: full === 1, report };
}

export class HarvestSources {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  private assertStaff(user: AuthUser | null): void {
    if (!user) throw new DomainError('unauthenticated', 'Sign in or send an API token');
    if (user.role !== 'admin' && user.role !== 'staff') throw new DomainError('forbidden', 'Only staff may manage harvest sources');
  }

  async list(user: AuthUser | null): Promise<SourceView[]> {
    this.assertStaff(user);
    return (await harvestStore.sources(this.deps.db)).map(sourceView);
  }

  async get(user: AuthUser | null, ref: string): Promise<SourceRow> {
    this.assertStaff(user);
    const s = await harvestStore.source(this.deps.db, ref);
    if (!s) throw new DomainError('not-found', 'Harvest source not found');
    return s;
  }

  async runs(user: AuthUser | null, ref: string, limit = 50, offset = 0): Promise<RunView[]> {
    const s = await this.get(user, ref);
    return (await harvestStore.runs(this.deps.db, s.id, limit, offset)).map(runView);
  }

  async run(user: AuthUser | null, ref: string, runId: number): Promise<RunView> {
    const s = await this.get(user, ref);
    const r = await harvestStore.run(this.deps.db, runId);
    if (!r || r.source_id !== s.id) throw new DomainError('not-found', 'Harvest run not found');
    return runView(r);
  }

  /** Whether a run of the source holds its lease now. */
  async running(sourceId: string): Promise<boolean> {
    return !!(await leaseHolder(this.deps.db, this.deps.clock, harvestLeaseName(sourceId)));
  }

  async create(user: AuthUser | null, actor: Actor, input: SourceInput): Promise<SourceRow> {
    this.assertStaff(user);
    const row = await this.validate(input, null);
    await this.deps.db.transaction().execute(async (trx) => {
      await harvestStore.insertSource(trx, row);
      await audit(trx, this.deps.clock, actor, { action: 'catalog.harvest.source.create', entityType: 'catalog_harvest_source', entityId: row.id, after: sourceView(row) });
    });
    return row;
  }

  async update(user: AuthUser | null, actor: Actor, ref: string, input: SourceInput): Promise<SourceRow> {
    const current = await this.get(user, ref);
    const row = await this.validate(input, current);
    await this.deps.db.transaction().execute(async (trx) => {
      const { id: _id, ...set } = row;
      await harvestStore.updateSource(trx, current.id, set);
      await audit(trx, this.deps.clock, actor, { action: 'catalog.harvest.source.update', entityType: 'catalog_harvest_source', entityId: current.id, before: sourceView(current), after: sourceView(row) });
    });
    return row;
  }

  /** Remove a source and its runs; the datasets it brought in stay (with their harvest extras). */
  async remove(user: AuthUser | null, actor: Actor, ref: string): Promise<void> {
    const current = await this.get(user, ref);
    if (await this.running(current.id)) throw new DomainError('conflict', 'A harvest of this source is running; delete it once the run has finished');
    await this.deps.db.transaction().execute(async (trx) => {
      await harvestStore.deleteSource(trx, current.id);
      await audit(trx, this.deps.clock, actor, { action: 'catalog.harvest.source.delete', entityType: 'catalog_harvest_source', entityId: current.id, before: sourceView(current) });
    });
  }

  /** Check a create (all fields) or an update (fields given replace the current ones). */
  async validate(input: SourceInput, current: SourceRow | null): Promise<SourceRow> {
    const problems: FieldProblem[] = [];
    const add = (field: string, message: string, key: string, params?: Record<string, string | number>) => problems.push({ field, message, key: `harvest.v.${key}`, ...(params ? { params } : {}) });
    const str = (v: unknown, field: string, max: number): string | undefined => {
      if (v === undefined) return undefined;
      if (typeof v !== 'string') {
        add(field, 'Must be a string', 'string');
        return undefined;
      }
      if (v.trim().length > max) {
        add(field, `Must be at most ${max} characters`, 'tooLong', { max });
        return undefined;
      }
      return v.trim();
    };
    const name = str(input.name, 'name', 60) ?? current?.name;
    if (!name) add('name', 'Missing value', 'missing');
    else if (!NAME.test(name)) add('name', 'Use 2 to 60 lowercase letters, digits, - or _, starting with a letter or digit', 'name');
    else {
      const holder = await harvestStore.source(this.deps.db, name);
      if (holder && holder.id !== current?.id) add('name', 'Another source has this name', 'nameTaken');
    }
    const title = str(input.title, 'title', 200) ?? current?.title ?? name ?? '';
    const kind = input.kind === undefined ? current?.kind : input.kind;
    if (!kind) add('kind', 'Missing value', 'missing');
    else if (!KINDS.includes(kind as HarvestKind)) add('kind', 'Must be ckan or dcat', 'kind');
    const url = str(input.url, 'url', 2000) ?? current?.url;
    if (!url) add('url', 'Missing value', 'missing');
    else {
      try {
        const u = new URL(url);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') add('url', 'The URL must start with http:// or https://', 'urlScheme');
      } catch {
        add('url', 'Please provide a valid URL', 'url');
      }
    }
    let orgId = current?.org_id;
    const orgRef = str(input.organization, 'organization', 200);
    if (orgRef !== undefined || !current) {
      if (!orgRef) add('organization', 'An organization must be provided', 'orgMissing');
      else {
        const org = await this.deps.db
          .selectFrom('catalog_organizations')
          .select('id')
          .where((eb) => eb.or([eb('id', '=', orgRef), eb('name', '=', orgRef)]))
          .executeTakeFirst();
        if (!org) add('organization', 'Organization does not exist', 'orgNotFound');
        else orgId = org.id;
      }
    }
    const schedule = input.schedule === undefined ? (current?.schedule ?? 'manual') : input.schedule;
    if (!SCHEDULES.includes(schedule as HarvestSchedule)) add('schedule', 'Must be manual, daily, weekly or monthly', 'schedule');
    let configJson = current?.config_json ?? '{}';
    if (input.config !== undefined && KINDS.includes(kind as HarvestKind)) {
      const c = parseConfig(input.config, kind as HarvestKind);
      for (const p of c.problems) problems.push(p);
      if (c.config) configJson = JSON.stringify(c.config);
    }
    let active = current?.active ?? 1;
    if (input.active !== undefined) {
      if (typeof input.active !== 'boolean') add('active', 'Must be true or false', 'boolean');
      else active = input.active ? 1 : 0;
    }
    if (problems.length || !name || !url || !orgId) throw new DomainError('validation-failed', 'The harvest source is not valid', problems);
    const now = this.deps.clock.now().toISOString();
    return {
      id: current?.id ?? randomUUID(),
      name,
      title: title || name,
      kind: kind as HarvestKind,
      url,
      org_id: orgId,
      schedule: schedule as HarvestSchedule,
      config_json: configJson,
      active,
      created_at: current?.created_at ?? now,
      updated_at: now,
      last_run_id: current?.last_run_id ?? null,
      last_run_at: current?.last_run_at ?? null,
      last_status: current?.last_status ?? null,
      // A new URL or kind is another source as far as the high-water mark goes.
      high_water: current && current.url === url && current.kind === kind ? current.high_water : null,
      last_success_at: current?.last_success_at ?? null,
    };
  }
}
