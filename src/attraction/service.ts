import type { Selectable } from 'kysely';
import type { AppContext } from '../core/context.js';
import type { Db, DbOrTrx, Trx } from '../core/db/index.js';
import { audit, type Actor } from '../core/audit.js';
import { bumpVersion } from '../core/versions.js';
import { DomainError, forbidden } from '../core/errors.js';
import { fiscalYearOf, fiscalYearOfLocalDate } from '../core/fiscal.js';
import { companiesService } from '../companies/index.js';
import type { Company, CompanyInput } from '../companies/index.js';
import { attractionStore, type LeadFilter, type OtherFilter } from './store.js';
import type { AttractionConsultationsTable, AttractionLeadsTable, AttractionOtherEstablishmentsTable, AttractionStageHistoryTable, AttractionTasksTable } from './tables.js';
import { AttractionError, Problems, conflict, notFoundError } from './errors.js';
import {
  CONTACT_CHANNELS,
  ENTITY_TYPES,
  ENTRY_REQUIREMENTS,
  ORIGINS,
  PATH,
  REGISTERED_ENTITY_TYPES,
  SECTORS,
  SECTOR_GROUP,
  STAGES,
  STAGE_FIELDS,
  UPCOMING_DAYS,
  addDays,
  allowedMoves,
  exitCriteria,
  isIsoDate,
  nextStage,
  reached,
  tokyoDate,
  type ContactChannel,
  type EntityType,
  type MoveField,
  type Origin,
  type Sector,
  type SectorGroup,
  type Stage,
} from './rules.js';

export const SCOPE = 'attraction';
const STAFF_ROLES = new Set(['staff', 'admin']);

export interface Bilingual {
  ja: string;
  en: string;
}

export interface CompanyRef {
  id: number;
  name: Bilingual;
  country: string;
  corporateNumber: string | null;
}

export interface UserRef {
  id: number;
  name: string;
}

export interface LeadView {
  id: number;
  company: CompanyRef;
  sector: Sector;
  sectorGroup: SectorGroup;
  origin: Origin;
  owner: UserRef;
  stage: Stage;
  stageChangedAt: string;
  firstContactDate: string | null;
  contactChannel: ContactChannel | null;
  decisionDate: string | null;
  plannedEntityType: EntityType | null;
  establishedDate: string | null;
  /** Fiscal year of the establishment date (the year the plan counts the firm in). */
  establishedFiscalYear: number | null;
  officeAddress: string | null;
  entityType: EntityType | null;
  staffCount: number | null;
  dropReason: string | null;
  droppedFrom: Stage | null;
  notes: string | null;
  createdAt: string;
  createdFiscalYear: number;
  updatedAt: string;
}

/** What a board card shows. */
export type BoardCard = Pick<LeadView, 'id' | 'company' | 'sector' | 'owner' | 'stage' | 'droppedFrom'>;

export interface HistoryView {
  id: number;
  from: Stage | null;
  to: Stage;
  note: string | null;
  by: string;
  at: string;
}

export interface TaskView {
  id: number;
  leadId: number;
  consultationId: number | null;
  title: string;
  dueDate: string;
  assignee: UserRef;
  done: boolean;
  doneAt: string | null;
  createdAt: string;
}

export interface ConsultationView {
  id: number;
  leadId: number;
  date: string;
  staff: UserRef;
  topic: string;
  notes: string | null;
  createdAt: string;
  tasks: TaskView[];
}

export interface CriterionView {
  field: MoveField | 'consultations';
  met: boolean;
}

export interface LeadDetail extends LeadView {
  history: HistoryView[];
  consultations: ConsultationView[];
  /** Every task of the lead, those of its consultations included. */
  tasks: TaskView[];
  allowedMoves: Stage[];
  /** What moving on to the next stage needs, and whether the lead already has it. */
  exitCriteria: CriterionView[];
}

export interface OtherView {
  id: number;
  company: CompanyRef;
  establishedDate: string;
  establishedFiscalYear: number;
  sector: Sector;
  sectorGroup: SectorGroup;
  source: string;
  note: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface TaskWithLead extends TaskView {
  company: CompanyRef;
}

/** A company picked from the registry, or a new one to create in the same transaction. */
export interface CompanyChoice {
  companyId?: number;
  company?: CompanyInput;
  /** Create the new company even though the registry holds similar names. */
  allowDuplicate?: boolean;
}

export interface LeadInput extends CompanyChoice {
  sector: string;
  origin: string;
  ownerId?: number;
  notes?: string | null;
}

export interface LeadPatch {
  sector?: string;
  origin?: string;
  ownerId?: number;
  notes?: string | null;
  firstContactDate?: string | null;
  contactChannel?: string | null;
  decisionDate?: string | null;
  plannedEntityType?: string | null;
  establishedDate?: string | null;
  officeAddress?: string | null;
  entityType?: string | null;
  staffCount?: number | null;
  dropReason?: string | null;
}

export interface MoveInput {
  to: string;
  note?: string | null;
  firstContactDate?: string;
  contactChannel?: string;
  decisionDate?: string;
  plannedEntityType?: string;
  establishedDate?: string;
  officeAddress?: string;
  entityType?: string;
  staffCount?: number;
  dropReason?: string;
}

export interface TaskInput {
  title: string;
  dueDate: string;
  assigneeId?: number;
  consultationId?: number | null;
}

export interface ConsultationInput {
  date: string;
  staffId?: number;
  topic: string;
  notes?: string | null;
  tasks?: TaskInput[];
}

export interface TaskPatch {
  title?: string;
  dueDate?: string;
  assigneeId?: number;
  done?: boolean;
}

export interface OtherInput extends CompanyChoice {
  establishedDate: string;
  sector: string;
  source: string;
  note?: string | null;
}

export interface OtherPatch {
  establishedDate?: string;
  sector?: string;
  source?: string;
  note?: string | null;
}

export const MOVE_FIELDS: readonly MoveField[] = ['firstContactDate', 'contactChannel', 'decisionDate', 'plannedEntityType', 'establishedDate', 'officeAddress', 'entityType', 'staffCount', 'dropReason'];

const COLUMN: Record<MoveField, keyof AttractionLeadsTable> = {
  firstContactDate: 'first_contact_date',
  contactChannel: 'contact_channel',
  decisionDate: 'decision_date',
  plannedEntityType: 'planned_entity_type',
  establishedDate: 'established_date',
  officeAddress: 'office_address',
  entityType: 'entity_type',
  staffCount: 'staff_count',
  dropReason: 'drop_reason',
};

const LIMITS = { notes: 10000, address: 500, reason: 2000, topic: 200, title: 200, source: 300, note: 2000, tasks: 20, staff: 1_000_000 } as const;

const trimmed = (v: string | null | undefined): string | null => {
  if (v === null || v === undefined) return null;
  const s = v.normalize('NFC').trim();
  return s.length ? s : null;
};

/** Both names of a company, each falling back to the other. */
export function companyRef(c: Company | undefined, id: number): CompanyRef {
  if (!c) return { id, name: { ja: `#${id}`, en: `#${id}` }, country: '', corporateNumber: null };
  const ja = c.nameJa ?? c.nameEn ?? `#${c.id}`;
  const en = c.nameEn ?? c.nameJa ?? `#${c.id}`;
  return { id: c.id, name: { ja, en }, country: c.country, corporateNumber: c.corporateNumber };
}

/**
 * The pipeline's rules. Routes check the role; every write here also refuses a caller who is not
 * staff (the system actor of seeds and hooks passes), runs in one transaction with its audit record,
 * and bumps the `attraction` data version when it can change the board or the plan's figures.
 */
export class AttractionService {
  constructor(private readonly ctx: AppContext) {}

  private get db(): Db {
    return this.ctx.db;
  }

  private today(): string {
    return tokyoDate(this.ctx.clock.now());
  }

  private now(): string {
    return this.ctx.clock.now().toISOString();
  }

  private checkActor(actor: Actor): void {
    if (actor.role !== null && !STAFF_ROLES.has(actor.role)) throw forbidden('Only staff work on the attraction pipeline');
  }

  // ---- reading ----

  /** Active staff and administrators, who can own leads and tasks. */
  async staffUsers(): Promise<UserRef[]> {
    const users = await this.ctx.auth.listUsers();
    return users.filter((u) => u.active && STAFF_ROLES.has(u.role)).map((u) => ({ id: u.id, name: u.display_name }));
  }

  private async userNames(): Promise<Map<number, string>> {
    const users = await this.ctx.auth.listUsers();
    return new Map(users.map((u) => [u.id, u.display_name]));
  }

  private async companies(ids: number[]): Promise<Map<number, Company>> {
    const unique = [...new Set(ids)];
    return unique.length ? companiesService(this.ctx).getMany(unique) : new Map();
  }

  private leadView(r: Selectable<AttractionLeadsTable>, companies: Map<number, Company>, users: Map<number, string>): LeadView {
    const sector = r.sector as Sector;
    return {
      id: r.id,
      company: companyRef(companies.get(r.company_id), r.company_id),
      sector,
      sectorGroup: SECTOR_GROUP[sector],
      origin: r.origin as Origin,
      owner: { id: r.owner_id, name: users.get(r.owner_id) ?? `#${r.owner_id}` },
      stage: r.stage as Stage,
      stageChangedAt: r.stage_changed_at,
      firstContactDate: r.first_contact_date,
      contactChannel: r.contact_channel as ContactChannel | null,
      decisionDate: r.decision_date,
      plannedEntityType: r.planned_entity_type as EntityType | null,
      establishedDate: r.established_date,
      establishedFiscalYear: r.stage === 'established' && r.established_date ? fiscalYearOfLocalDate(r.established_date) : null,
      officeAddress: r.office_address,
      entityType: r.entity_type as EntityType | null,
      staffCount: r.staff_count,
      dropReason: r.drop_reason,
      droppedFrom: r.dropped_from as Stage | null,
      notes: r.notes,
      createdAt: r.created_at,
      createdFiscalYear: fiscalYearOf(new Date(r.created_at)),
      updatedAt: r.updated_at,
    };
  }

  private taskView(r: Selectable<AttractionTasksTable>, users: Map<number, string>): TaskView {
    return {
      id: r.id,
      leadId: r.lead_id,
      consultationId: r.consultation_id,
      title: r.title,
      dueDate: r.due_date,
      assignee: { id: r.assignee_id, name: users.get(r.assignee_id) ?? `#${r.assignee_id}` },
      done: !!r.done,
      doneAt: r.done_at,
      createdAt: r.created_at,
    };
  }

  private async views(rows: Selectable<AttractionLeadsTable>[]): Promise<LeadView[]> {
    const [companies, users] = await Promise.all([this.companies(rows.map((r) => r.company_id)), this.userNames()]);
    return rows.map((r) => this.leadView(r, companies, users));
  }

  /** A page of the pipeline, newest first. */
  async listLeads(filter: LeadFilter, page: { limit: number; offset: number }): Promise<{ total: number; items: LeadView[] }> {
    const [total, rows] = await Promise.all([attractionStore.countLeads(this.db, filter), attractionStore.leads(this.db, filter, page)]);
    return { total, items: await this.views(rows) };
  }

  /** Every lead matching the filter (exports and the board). */
  async allLeads(filter: LeadFilter): Promise<LeadView[]> {
    return this.views(await attractionStore.leads(this.db, filter));
  }

  /**
   * The board: per stage the number of leads and the most recently moved of them (at most
   * `perColumn`; the table lists the rest), with only what a card shows.
   */
  async board(filter: Omit<LeadFilter, 'stage'>, perColumn: number): Promise<{ stage: Stage; total: number; cards: BoardCard[] }[]> {
    const [counts, ...columns] = await Promise.all([attractionStore.countByStage(this.db, filter), ...STAGES.map((s) => attractionStore.boardColumn(this.db, filter, s, perColumn))]);
    const [companies, users] = await Promise.all([this.companies(columns.flat().map((r) => r.company_id)), this.userNames()]);
    return STAGES.map((stage, c) => ({
      stage,
      total: counts.get(stage) ?? 0,
      cards: columns[c]!.map((r) => ({
        id: r.id,
        company: companyRef(companies.get(r.company_id), r.company_id),
        sector: r.sector as Sector,
        owner: { id: r.owner_id, name: users.get(r.owner_id) ?? `#${r.owner_id}` },
        stage: r.stage as Stage,
        droppedFrom: r.dropped_from as Stage | null,
      })),
    }));
  }

  async getLead(id: number): Promise<LeadDetail> {
    const row = await attractionStore.lead(this.db, id);
    if (!row) throw notFoundError('lead');
    const [history, consultations, tasks, companies, users] = await Promise.all([
      attractionStore.history(this.db, id),
      attractionStore.consultations(this.db, id),
      attractionStore.tasksOfLead(this.db, id),
      this.companies([row.company_id]),
      this.userNames(),
    ]);
    const lead = this.leadView(row, companies, users);
    const taskViews = tasks.map((t) => this.taskView(t, users));
    const criteria = exitCriteria(lead.stage).map((field) => ({
      field,
      met: field === 'consultations' ? consultations.length > 0 : row[COLUMN[field]] !== null,
    }));
    return {
      ...lead,
      history: history.map((h) => this.historyView(h, users)),
      consultations: consultations.map((c) => this.consultationView(c, users, taskViews)),
      tasks: taskViews,
      allowedMoves: allowedMoves(lead.stage, lead.droppedFrom),
      exitCriteria: criteria,
    };
  }

  /** Who moved it: the user's display name, or the recorded label (the system, a deleted user). */
  private historyView(h: Selectable<AttractionStageHistoryTable>, users: Map<number, string>): HistoryView {
    return { id: h.id, from: h.from_stage as Stage | null, to: h.to_stage as Stage, note: h.note, by: (h.actor_id !== null ? users.get(h.actor_id) : undefined) ?? h.actor_label, at: h.at };
  }

  private consultationView(c: Selectable<AttractionConsultationsTable>, users: Map<number, string>, tasks: TaskView[]): ConsultationView {
    return {
      id: c.id,
      leadId: c.lead_id,
      date: c.date,
      staff: { id: c.staff_id, name: users.get(c.staff_id) ?? `#${c.staff_id}` },
      topic: c.topic,
      notes: c.notes,
      createdAt: c.created_at,
      tasks: tasks.filter((t) => t.consultationId === c.id),
    };
  }

  /** A user's open tasks: overdue (due before today, in Japan) and upcoming (today and the next days). */
  async tasksOf(userId: number): Promise<{ today: string; upcomingUntil: string; overdue: TaskWithLead[]; upcoming: TaskWithLead[] }> {
    const today = this.today();
    const until = addDays(today, UPCOMING_DAYS - 1);
    const rows = await attractionStore.openTasksOf(this.db, userId, until);
    const leadIds = [...new Set(rows.map((r) => r.lead_id))];
    const leads = leadIds.length ? await this.db.selectFrom('attraction_leads').select(['id', 'company_id']).where('id', 'in', leadIds).execute() : [];
    const companyOf = new Map(leads.map((l) => [l.id, l.company_id]));
    const [companies, users] = await Promise.all([this.companies(leads.map((l) => l.company_id)), this.userNames()]);
    const views = rows.map((r) => ({ ...this.taskView(r, users), company: companyRef(companies.get(companyOf.get(r.lead_id)!), companyOf.get(r.lead_id)!) }));
    return { today, upcomingUntil: until, overdue: views.filter((t) => t.dueDate < today), upcoming: views.filter((t) => t.dueDate >= today) };
  }

  async listOthers(filter: OtherFilter): Promise<OtherView[]> {
    const rows = await attractionStore.others(this.db, filter);
    const companies = await this.companies(rows.map((r) => r.company_id));
    return rows.map((r) => this.otherView(r, companies));
  }

  async getOther(id: number): Promise<OtherView> {
    const r = await attractionStore.other(this.db, id);
    if (!r) throw notFoundError('other');
    return this.otherView(r, await this.companies([r.company_id]));
  }

  private otherView(r: Selectable<AttractionOtherEstablishmentsTable>, companies: Map<number, Company>): OtherView {
    const sector = r.sector as Sector;
    return {
      id: r.id,
      company: companyRef(companies.get(r.company_id), r.company_id),
      establishedDate: r.established_date,
      establishedFiscalYear: fiscalYearOfLocalDate(r.established_date),
      sector,
      sectorGroup: SECTOR_GROUP[sector],
      source: r.source,
      note: r.note,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  // ---- shared checks ----

  private async checkStaffUser(p: Problems, field: string, id: number | undefined): Promise<void> {
    if (id === undefined) return;
    const u = Number.isInteger(id) ? await this.ctx.auth.getUser(id) : undefined;
    const row = u ? await this.db.selectFrom('users').select(['active']).where('id', '=', id).executeTakeFirst() : undefined;
    if (!u || !row?.active || !STAFF_ROLES.has(u.role)) p.add(field, 'attraction.err.unknownStaff', { id: String(id) });
  }

  private checkDate(p: Problems, field: string, v: unknown, opts: { notAfterToday?: boolean; required?: boolean } = {}): string | null {
    if (v === undefined || v === null || v === '') {
      if (opts.required) p.add(field, 'attraction.err.required');
      return null;
    }
    if (!isIsoDate(v)) {
      p.add(field, 'attraction.err.date');
      return null;
    }
    if (opts.notAfterToday && v > this.today()) {
      p.add(field, 'attraction.err.future', { today: this.today() });
      return null;
    }
    return v;
  }

  private checkText(p: Problems, field: string, v: unknown, max: number, opts: { required?: boolean; min?: number } = {}): string | null {
    const s = typeof v === 'string' ? trimmed(v) : null;
    if (s === null) {
      if (opts.required) p.add(field, 'attraction.err.required');
      return null;
    }
    if (opts.min && s.length < opts.min) p.add(field, 'attraction.err.tooShort', { min: opts.min });
    else if (s.length > max) p.add(field, 'attraction.err.tooLong', { max });
    return s;
  }

  private checkChoice<T extends string>(p: Problems, field: string, v: unknown, values: readonly T[], required = true): T | null {
    if (v === undefined || v === null || v === '') {
      if (required) p.add(field, 'attraction.err.required');
      return null;
    }
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      p.add(field, 'attraction.err.choice', { values: values.join(', ') });
      return null;
    }
    return v as T;
  }

  /** Check a company choice; a new company's own fields are checked by the registry on create. */
  private checkCompanyChoice(p: Problems, input: CompanyChoice): void {
    const hasId = input.companyId !== undefined && input.companyId !== null;
    if (hasId && input.company) p.add('companyId', 'attraction.err.companyBoth');
    else if (!hasId && !input.company) p.add('companyId', 'attraction.err.companyRequired');
    if (input.company) {
      const c = input.company;
      if (!trimmed(c.nameJa ?? null) && !trimmed(c.nameEn ?? null)) p.add('company.nameEn', 'attraction.err.companyName');
      const country = typeof c.country === 'string' ? c.country.trim().toUpperCase() : '';
      if (!/^[A-Z]{2}$/.test(country)) p.add('company.country', 'attraction.err.country');
      else if (country === 'JP') p.add('company.country', 'attraction.err.domestic');
    }
  }

  /**
   * The company chosen from the registry, read before the write transaction opens (on SQLite a read
   * outside the open transaction would wait for it); undefined when a new company is to be created.
   */
  private async chosenCompany(input: CompanyChoice): Promise<Company | undefined> {
    if (input.companyId === undefined || input.companyId === null) return undefined;
    try {
      return await companiesService(this.ctx).get(input.companyId);
    } catch (err) {
      if (err instanceof DomainError && err.status === 404) throw new AttractionError('validation-failed', 'attraction.err.summary', [{ field: 'companyId', key: 'attraction.err.unknownCompany', params: { id: String(input.companyId) } }]);
      throw err;
    }
  }

  /** Create the new company inside trx; refused (and rolled back) when similar names exist and were not confirmed. */
  private async createCompany(actor: Actor, c: CompanyInput, allowDuplicate: boolean, trx: Trx): Promise<Company> {
    let created: { company: Company; nearDuplicates: Company[] };
    try {
      created = await companiesService(this.ctx).create(actor, { ...c, country: c.country.trim().toUpperCase() }, trx);
    } catch (err) {
      // The registry names its own fields; here they sit under `company.`.
      if (err instanceof DomainError && err.code === 'validation-failed') {
        throw new AttractionError(
          'validation-failed',
          'attraction.err.summary',
          err.fields.map((f) => ({ field: `company.${f.field}`, key: 'attraction.err.company', params: { detail: f.message } })),
        );
      }
      throw err;
    }
    const near = created.nearDuplicates.filter((d) => d.id !== created.company.id);
    if (near.length && !allowDuplicate) {
      throw conflict('attraction.err.nearDuplicates', { count: near.length }, 'company', { nearDuplicates: near.map((d) => companyRef(d, d.id)) });
    }
    return created.company;
  }

  // ---- leads ----

  async createLead(actor: Actor, input: LeadInput): Promise<LeadDetail> {
    this.checkActor(actor);
    const p = new Problems();
    this.checkCompanyChoice(p, input);
    const sector = this.checkChoice(p, 'sector', input.sector, SECTORS);
    const origin = this.checkChoice(p, 'origin', input.origin, ORIGINS);
    const ownerId = input.ownerId ?? actor.id ?? undefined;
    if (ownerId === undefined) p.add('ownerId', 'attraction.err.required');
    await this.checkStaffUser(p, 'ownerId', ownerId);
    const notes = this.checkText(p, 'notes', input.notes, LIMITS.notes);
    p.throwIfAny();
    const chosen = await this.chosenCompany(input);
    const now = this.now();
    const id = await this.db.transaction().execute(async (trx) => {
      const company = chosen ?? (await this.createCompany(actor, input.company!, !!input.allowDuplicate, trx));
      await this.refuseDoubleCount(trx, company.id, 'lead');
      const row = {
        company_id: company.id,
        sector: sector!,
        origin: origin!,
        owner_id: ownerId!,
        stage: 'lead',
        stage_changed_at: now,
        notes,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      };
      const { id } = await attractionStore.insertLead(trx, row);
      await attractionStore.insertHistory(trx, { lead_id: id, from_stage: null, to_stage: 'lead', note: null, actor_id: actor.id, actor_label: actor.label, at: now });
      await audit(trx, this.ctx.clock, actor, { action: 'attraction.lead.create', entityType: 'attraction_lead', entityId: id, after: { id, ...row } });
      await bumpVersion(trx, this.ctx.clock, SCOPE);
      return id;
    });
    return this.getLead(id);
  }

  /**
   * A firm is counted once: a company with a live lead (open or established) gets no second lead,
   * and one attracted by others is not also a lead of the city (nor the other way round).
   */
  private async refuseDoubleCount(db: DbOrTrx, companyId: number, creating: 'lead' | 'other', exceptOtherId?: number): Promise<void> {
    const live = await attractionStore.liveLeadsOfCompany(db, companyId);
    const established = live.find((l) => l.stage === 'established');
    if (creating === 'other' && established) throw conflict('attraction.err.cityEstablished', { id: established.id }, 'companyId');
    if (creating === 'lead' && live.length) throw conflict('attraction.err.liveLead', { id: live[0]!.id }, 'companyId');
    const others = (await attractionStore.othersOfCompany(db, companyId)).filter((o) => o.id !== exceptOtherId);
    if (others.length) throw conflict('attraction.err.otherExists', { id: others[0]!.id }, 'companyId');
  }

  async updateLead(actor: Actor, id: number, patch: LeadPatch): Promise<LeadDetail> {
    this.checkActor(actor);
    const row = await attractionStore.lead(this.db, id);
    if (!row) throw notFoundError('lead');
    const stage = row.stage as Stage;
    const p = new Problems();
    const set: Partial<Record<keyof AttractionLeadsTable, string | number | null>> = {};
    if (patch.sector !== undefined) set.sector = this.checkChoice(p, 'sector', patch.sector, SECTORS);
    if (patch.origin !== undefined) set.origin = this.checkChoice(p, 'origin', patch.origin, ORIGINS);
    if (patch.ownerId !== undefined) {
      await this.checkStaffUser(p, 'ownerId', patch.ownerId);
      set.owner_id = patch.ownerId;
    }
    if (patch.notes !== undefined) set.notes = this.checkText(p, 'notes', patch.notes, LIMITS.notes);
    // A stage's fields can be corrected once the lead has reached it, never emptied.
    const at = reached(stage, row.dropped_from as Stage | null);
    const values: Partial<Record<MoveField, string | number | null>> = {};
    for (const field of MOVE_FIELDS) {
      if (patch[field] === undefined) continue;
      const owner = (Object.keys(STAGE_FIELDS) as Stage[]).find((s) => STAGE_FIELDS[s].includes(field))!;
      const ok = owner === 'dropped' ? stage === 'dropped' : PATH.indexOf(owner) <= at;
      if (!ok) {
        p.add(field, 'attraction.err.notReached', { stage: `@attraction.stage.${owner}` });
        continue;
      }
      if (patch[field] === null || patch[field] === '') {
        p.add(field, 'attraction.err.cannotClear', { stage: `@attraction.stage.${owner}` });
        continue;
      }
      values[field] = patch[field] as string | number;
    }
    const merged = { ...this.fieldsOf(row), ...values };
    // A changed date is checked against the lead's other dates, and they against it.
    const dates: MoveField[] = ['firstContactDate', 'decisionDate', 'establishedDate'];
    const check = new Set(Object.keys(values) as MoveField[]);
    if (dates.some((d) => check.has(d))) for (const d of dates) if (merged[d] !== null) check.add(d);
    this.checkMoveFields(p, [...check], merged);
    p.throwIfAny();
    for (const f of Object.keys(values) as MoveField[]) set[COLUMN[f]] = f === 'staffCount' ? (merged[f] as number) : trimmed(String(merged[f]));
    const changed = Object.fromEntries(Object.entries(set).filter(([k, v]) => row[k as keyof typeof row] !== v));
    if (!Object.keys(changed).length) return this.getLead(id);
    const now = this.now();
    await this.db.transaction().execute(async (trx) => {
      const ok = await attractionStore.updateLead(trx, id, row.stage, { ...changed, updated_at: now });
      if (!ok) throw conflict('attraction.err.moved', undefined, 'stage');
      const before = Object.fromEntries(Object.keys(changed).map((k) => [k, row[k as keyof typeof row]]));
      await audit(trx, this.ctx.clock, actor, { action: 'attraction.lead.update', entityType: 'attraction_lead', entityId: id, before, after: changed });
      await bumpVersion(trx, this.ctx.clock, SCOPE);
    });
    return this.getLead(id);
  }

  private fieldsOf(row: Selectable<AttractionLeadsTable>): Record<MoveField, string | number | null> {
    return Object.fromEntries(MOVE_FIELDS.map((f) => [f, row[COLUMN[f]] as string | number | null])) as Record<MoveField, string | number | null>;
  }

  /** Check the given move fields against their rules, with the lead's other dates for order. */
  private checkMoveFields(p: Problems, fields: MoveField[], v: Record<MoveField, string | number | null>): void {
    for (const f of fields) {
      const x = v[f];
      switch (f) {
        case 'firstContactDate':
          this.checkDate(p, f, x, { notAfterToday: true, required: true });
          break;
        case 'decisionDate':
          if (this.checkDate(p, f, x, { notAfterToday: true, required: true }) && v.firstContactDate && String(x) < String(v.firstContactDate)) {
            p.add(f, 'attraction.err.before', { other: String(v.firstContactDate), otherLabel: '@attraction.field.firstContactDate' });
          }
          break;
        case 'establishedDate':
          if (this.checkDate(p, f, x, { notAfterToday: true, required: true })) {
            if (v.decisionDate && String(x) < String(v.decisionDate)) p.add(f, 'attraction.err.before', { other: String(v.decisionDate), otherLabel: '@attraction.field.decisionDate' });
            else if (v.firstContactDate && String(x) < String(v.firstContactDate)) p.add(f, 'attraction.err.before', { other: String(v.firstContactDate), otherLabel: '@attraction.field.firstContactDate' });
          }
          break;
        case 'contactChannel':
          this.checkChoice(p, f, x, CONTACT_CHANNELS);
          break;
        case 'plannedEntityType':
        case 'entityType':
          this.checkChoice(p, f, x, ENTITY_TYPES);
          break;
        case 'officeAddress':
          this.checkText(p, f, x, LIMITS.address, { required: true });
          break;
        case 'staffCount':
          if (x === null || x === undefined || (x as unknown) === '') p.add(f, 'attraction.err.required');
          else if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > LIMITS.staff) p.add(f, 'attraction.err.count');
          break;
        case 'dropReason':
          this.checkText(p, f, x, LIMITS.reason, { required: true, min: 3 });
          break;
        default: {
          const never: never = f;
          throw new Error(`unchecked field ${String(never)}`);
        }
      }
    }
  }

  /**
   * Move a lead: one stage forward, to dropped from any stage but established, or (reopening) from
   * dropped back to the stage it was dropped from. The target stage's requirements must hold, given
   * in the move or already on the lead; otherwise nothing is stored and every missing field is named.
   */
  async moveLead(actor: Actor, id: number, move: MoveInput): Promise<LeadDetail> {
    this.checkActor(actor);
    const row = await attractionStore.lead(this.db, id);
    if (!row) throw notFoundError('lead');
    const from = row.stage as Stage;
    const droppedFrom = row.dropped_from as Stage | null;
    const p = new Problems();
    const to = this.checkChoice(p, 'to', move.to, ['lead', 'contacted', 'consulting', 'decided', 'established', 'dropped'] as const);
    p.throwIfAny('attraction.err.moveSummary');
    const target = to!;
    if (!allowedMoves(from, droppedFrom).includes(target)) {
      if (target === from) throw conflict('attraction.err.sameStage', { stage: `@attraction.stage.${from}` }, 'to');
      if (from === 'established') p.add('to', 'attraction.err.final');
      else if (from === 'dropped') p.add('to', 'attraction.err.reopenTo', { stage: `@attraction.stage.${droppedFrom ?? 'lead'}` });
      else if (PATH.indexOf(target) > PATH.indexOf(from)) p.add('to', 'attraction.err.skip', { next: `@attraction.stage.${nextStage(from)!}` });
      else p.add('to', 'attraction.err.backward', { next: `@attraction.stage.${nextStage(from)!}` });
      p.throwIfAny('attraction.err.moveSummary');
    }
    const reopening = from === 'dropped';
    // Fields of another stage are refused rather than dropped silently.
    const needs = reopening ? [] : ENTRY_REQUIREMENTS[target];
    for (const f of MOVE_FIELDS) if (move[f] !== undefined && !(needs as readonly string[]).includes(f)) p.add(f, 'attraction.err.notForStage', { stage: `@attraction.stage.${target}` });
    const note = this.checkText(p, 'note', move.note, LIMITS.note);
    if (reopening && !note) p.add('note', 'attraction.err.reopenNote');
    const current = this.fieldsOf(row);
    const given: Partial<Record<MoveField, string | number | null>> = {};
    for (const f of MOVE_FIELDS) if (move[f] !== undefined && (needs as readonly string[]).includes(f)) given[f] = typeof move[f] === 'string' ? trimmed(move[f] as string) : (move[f] as number);
    const merged = { ...current, ...given };
    const fields = needs.filter((n): n is MoveField => n !== 'consultations');
    this.checkMoveFields(p, fields, merged);
    if ((needs as readonly string[]).includes('consultations') && (await attractionStore.consultationCount(this.db, id)) === 0) p.add('consultations', 'attraction.err.noConsultation');
    p.throwIfAny('attraction.err.moveSummary');

    const now = this.now();
    const set: Record<string, string | number | null> = { stage: target, stage_changed_at: now, updated_at: now };
    for (const f of fields) set[COLUMN[f]] = merged[f] ?? null;
    if (target === 'dropped') set.dropped_from = from;
    if (reopening) {
      set.dropped_from = null;
      set.drop_reason = null;
    }
    const historyNote = target === 'dropped' ? (merged.dropReason as string) : note;
    // A firm registered in Tokyo (not a representative office) is marked so in the registry.
    const company = target === 'established' && REGISTERED_ENTITY_TYPES.includes(set.entity_type as EntityType) ? await companiesService(this.ctx).get(row.company_id) : undefined;
    await this.db.transaction().execute(async (trx) => {
      const ok = await attractionStore.updateLead(trx, id, from, set);
      if (!ok) throw conflict('attraction.err.moved', undefined, 'stage');
      await attractionStore.insertHistory(trx, { lead_id: id, from_stage: from, to_stage: target, note: historyNote, actor_id: actor.id, actor_label: actor.label, at: now });
      const before = Object.fromEntries(Object.keys(set).map((k) => [k, row[k as keyof typeof row] ?? null]));
      await audit(trx, this.ctx.clock, actor, { action: 'attraction.lead.move', entityType: 'attraction_lead', entityId: id, before, after: { ...set, note: historyNote } });
      if (company && !company.registeredInTokyo) await companiesService(this.ctx).update(actor, company.id, { registeredInTokyo: true }, trx);
      await bumpVersion(trx, this.ctx.clock, SCOPE);
    });
    return this.getLead(id);
  }

  // ---- consultations and tasks ----

  private async checkTask(p: Problems, prefix: string, t: TaskInput, defaultAssignee: number | undefined): Promise<{ title: string; due: string; assignee: number } | null> {
    const title = this.checkText(p, `${prefix}title`, t.title, LIMITS.title, { required: true });
    const due = this.checkDate(p, `${prefix}dueDate`, t.dueDate, { required: true });
    const assignee = t.assigneeId ?? defaultAssignee;
    if (assignee === undefined) p.add(`${prefix}assigneeId`, 'attraction.err.required');
    else await this.checkStaffUser(p, `${prefix}assigneeId`, assignee);
    return title && due && assignee !== undefined ? { title, due, assignee } : null;
  }

  /**
   * Record a consultation (free business-plan consulting) with its follow-up tasks. A lead takes
   * consultations once contacted (the first contact is recorded by the move), never when dropped.
   */
  async addConsultation(actor: Actor, leadId: number, input: ConsultationInput): Promise<ConsultationView> {
    this.checkActor(actor);
    const lead = await attractionStore.lead(this.db, leadId);
    if (!lead) throw notFoundError('lead');
    if (lead.stage === 'lead' || lead.stage === 'dropped') throw conflict(lead.stage === 'lead' ? 'attraction.err.consultationBeforeContact' : 'attraction.err.consultationDropped', undefined, 'leadId');
    const p = new Problems();
    const date = this.checkDate(p, 'date', input.date, { notAfterToday: true, required: true });
    if (date && lead.first_contact_date && date < lead.first_contact_date) p.add('date', 'attraction.err.before', { other: lead.first_contact_date, otherLabel: '@attraction.field.firstContactDate' });
    const staffId = input.staffId ?? actor.id ?? undefined;
    if (staffId === undefined) p.add('staffId', 'attraction.err.required');
    await this.checkStaffUser(p, 'staffId', staffId);
    const topic = this.checkText(p, 'topic', input.topic, LIMITS.topic, { required: true });
    const notes = this.checkText(p, 'notes', input.notes, LIMITS.notes);
    const tasks = input.tasks ?? [];
    if (tasks.length > LIMITS.tasks) p.add('tasks', 'attraction.err.tooMany', { max: LIMITS.tasks });
    const checked: { title: string; due: string; assignee: number }[] = [];
    for (const [i, t] of tasks.entries()) {
      const c = await this.checkTask(p, `tasks.${i}.`, t, staffId);
      if (c) checked.push(c);
    }
    p.throwIfAny();
    const now = this.now();
    const id = await this.db.transaction().execute(async (trx) => {
      const row = { lead_id: leadId, date: date!, staff_id: staffId!, topic: topic!, notes, created_by: actor.id, created_at: now };
      const { id } = await attractionStore.insertConsultation(trx, row);
      const taskIds: number[] = [];
      for (const t of checked) {
        const r = await attractionStore.insertTask(trx, { lead_id: leadId, consultation_id: id, title: t.title, due_date: t.due, assignee_id: t.assignee, done: 0, done_at: null, created_at: now, updated_at: now });
        taskIds.push(r.id);
      }
      await trx.updateTable('attraction_leads').set({ updated_at: now }).where('id', '=', leadId).execute();
      await audit(trx, this.ctx.clock, actor, { action: 'attraction.consultation.create', entityType: 'attraction_lead', entityId: leadId, after: { id, ...row, tasks: checked.map((t, i) => ({ id: taskIds[i], ...t })) } });
      await bumpVersion(trx, this.ctx.clock, SCOPE);
      return id;
    });
    const detail = await this.getLead(leadId);
    return detail.consultations.find((c) => c.id === id)!;
  }

  /** A follow-up task on a lead (of one of its consultations when given). Tasks feed no figure: no version bump. */
  async addTask(actor: Actor, leadId: number, input: TaskInput): Promise<TaskView> {
    this.checkActor(actor);
    const lead = await attractionStore.lead(this.db, leadId);
    if (!lead) throw notFoundError('lead');
    const p = new Problems();
    const t = await this.checkTask(p, '', input, actor.id ?? undefined);
    if (input.consultationId !== undefined && input.consultationId !== null) {
      const c = await attractionStore.consultation(this.db, input.consultationId);
      if (!c || c.lead_id !== leadId) p.add('consultationId', 'attraction.err.consultationOther');
    }
    p.throwIfAny();
    const now = this.now();
    const id = await this.db.transaction().execute(async (trx) => {
      const row = { lead_id: leadId, consultation_id: input.consultationId ?? null, title: t!.title, due_date: t!.due, assignee_id: t!.assignee, done: 0, done_at: null, created_at: now, updated_at: now };
      const { id } = await attractionStore.insertTask(trx, row);
      await audit(trx, this.ctx.clock, actor, { action: 'attraction.task.create', entityType: 'attraction_task', entityId: id, after: { id, ...row } });
      return id;
    });
    return this.getTask(id);
  }

  async getTask(id: number): Promise<TaskView> {
    const r = await attractionStore.task(this.db, id);
    if (!r) throw notFoundError('task');
    return this.taskView(r, await this.userNames());
  }

  async updateTask(actor: Actor, id: number, patch: TaskPatch): Promise<TaskView> {
    this.checkActor(actor);
    const r = await attractionStore.task(this.db, id);
    if (!r) throw notFoundError('task');
    const p = new Problems();
    const set: Record<string, string | number | null> = {};
    if (patch.title !== undefined) set.title = this.checkText(p, 'title', patch.title, LIMITS.title, { required: true });
    if (patch.dueDate !== undefined) set.due_date = this.checkDate(p, 'dueDate', patch.dueDate, { required: true });
    if (patch.assigneeId !== undefined) {
      await this.checkStaffUser(p, 'assigneeId', patch.assigneeId);
      set.assignee_id = patch.assigneeId;
    }
    if (patch.done !== undefined && patch.done !== !!r.done) {
      set.done = patch.done ? 1 : 0;
      set.done_at = patch.done ? this.now() : null;
    }
    p.throwIfAny();
    const changed = Object.fromEntries(Object.entries(set).filter(([k, v]) => r[k as keyof typeof r] !== v));
    if (Object.keys(changed).length) {
      await this.db.transaction().execute(async (trx) => {
        await attractionStore.updateTask(trx, id, { ...changed, updated_at: this.now() });
        const before = Object.fromEntries(Object.keys(changed).map((k) => [k, r[k as keyof typeof r]]));
        await audit(trx, this.ctx.clock, actor, { action: 'attraction.task.update', entityType: 'attraction_task', entityId: id, before, after: changed });
      });
    }
    return this.getTask(id);
  }

  // ---- establishments attracted by others ----

  private checkOther(p: Problems, input: OtherPatch, required: boolean): { date: string | null; sector: Sector | null; source: string | null; note: string | null } {
    const date = input.establishedDate === undefined && !required ? null : this.checkDate(p, 'establishedDate', input.establishedDate, { notAfterToday: true, required: true });
    const sector = input.sector === undefined && !required ? null : this.checkChoice(p, 'sector', input.sector, SECTORS);
    const source = input.source === undefined && !required ? null : this.checkText(p, 'source', input.source, LIMITS.source, { required: true, min: 2 });
    const note = this.checkText(p, 'note', input.note, LIMITS.note);
    return { date, sector, source, note };
  }

  /** Record a firm established in Tokyo that others attracted (it counts in the plan's total only). */
  async createOther(actor: Actor, input: OtherInput): Promise<OtherView> {
    this.checkActor(actor);
    const p = new Problems();
    this.checkCompanyChoice(p, input);
    const v = this.checkOther(p, input, true);
    p.throwIfAny();
    const chosen = await this.chosenCompany(input);
    const now = this.now();
    const id = await this.db.transaction().execute(async (trx) => {
      const company = chosen ?? (await this.createCompany(actor, input.company!, !!input.allowDuplicate, trx));
      await this.refuseDoubleCount(trx, company.id, 'other');
      const row = { company_id: company.id, established_date: v.date!, sector: v.sector!, source: v.source!, note: v.note, created_by: actor.id, created_at: now, updated_at: now };
      const { id } = await attractionStore.insertOther(trx, row);
      await audit(trx, this.ctx.clock, actor, { action: 'attraction.other.create', entityType: 'attraction_other_establishment', entityId: id, after: { id, ...row } });
      await bumpVersion(trx, this.ctx.clock, SCOPE);
      return id;
    });
    return this.getOther(id);
  }

  async updateOther(actor: Actor, id: number, patch: OtherPatch): Promise<OtherView> {
    this.checkActor(actor);
    const r = await attractionStore.other(this.db, id);
    if (!r) throw notFoundError('other');
    const p = new Problems();
    const v = this.checkOther(p, patch, false);
    p.throwIfAny();
    const set: Record<string, string | null> = {};
    if (v.date) set.established_date = v.date;
    if (v.sector) set.sector = v.sector;
    if (v.source) set.source = v.source;
    if (patch.note !== undefined) set.note = v.note;
    const changed = Object.fromEntries(Object.entries(set).filter(([k, x]) => r[k as keyof typeof r] !== x));
    if (Object.keys(changed).length) {
      await this.db.transaction().execute(async (trx) => {
        await attractionStore.updateOther(trx, id, { ...changed, updated_at: this.now() });
        const before = Object.fromEntries(Object.keys(changed).map((k) => [k, r[k as keyof typeof r]]));
        await audit(trx, this.ctx.clock, actor, { action: 'attraction.other.update', entityType: 'attraction_other_establishment', entityId: id, before, after: changed });
        await bumpVersion(trx, this.ctx.clock, SCOPE);
      });
    }
    return this.getOther(id);
  }

  async deleteOther(actor: Actor, id: number): Promise<void> {
    this.checkActor(actor);
    const r = await attractionStore.other(this.db, id);
    if (!r) throw notFoundError('other');
    await this.db.transaction().execute(async (trx) => {
      await attractionStore.deleteOther(trx, id);
      await audit(trx, this.ctx.clock, actor, { action: 'attraction.other.delete', entityType: 'attraction_other_establishment', entityId: id, before: r });
      await bumpVersion(trx, this.ctx.clock, SCOPE);
    });
  }

  // ---- figures ----

  /** Firms established per fiscal year for the sector groups: attracted by the city, or in total. */
  async establishedByYear(groups: readonly SectorGroup[], by: 'city' | 'total', db: DbOrTrx = this.db): Promise<Map<number, number>> {
    const sectors = SECTORS.filter((s) => groups.includes(SECTOR_GROUP[s]));
    return attractionStore.establishedByYear(db, this.ctx.dialect, sectors, by);
  }

  // ---- hooks of the companies registry ----

  /** companies.merge: every lead and other establishment of the merged company moves to the survivor. */
  async onCompanyMerge(trx: Trx, e: { fromId: number; intoId: number; actor: Actor }): Promise<void> {
    const moved = await attractionStore.moveCompany(trx, e.fromId, e.intoId);
    if (!moved.leads.length && !moved.others.length) return;
    await audit(trx, this.ctx.clock, e.actor, {
      action: 'attraction.company.merge',
      entityType: 'company',
      entityId: e.intoId,
      before: { company_id: e.fromId, leads: moved.leads, others: moved.others },
      after: { company_id: e.intoId, leads: moved.leads, others: moved.others },
    });
    await bumpVersion(trx, this.ctx.clock, SCOPE);
  }

  /** companies.timeline: the company's leads (created, each stage move), consultations and other establishments. */
  async timeline(db: Db, companyId: number): Promise<TimelineItem[]> {
    const leads = await attractionStore.leads(db, { companyId });
    const ids = leads.map((l) => l.id);
    const [history, consultations, others] = await Promise.all([attractionStore.historyOfLeads(db, ids), attractionStore.consultationsOfLeads(db, ids), attractionStore.others(db, { companyId })]);
    const byId = new Map(leads.map((l) => [l.id, l]));
    const out: TimelineItem[] = [];
    for (const h of history) {
      const lead = byId.get(h.lead_id)!;
      const kind = h.from_stage === null ? 'lead-created' : h.to_stage === 'established' ? 'established' : h.to_stage === 'dropped' ? 'dropped' : 'stage-moved';
      out.push({ at: h.at, kind, leadId: h.lead_id, sector: lead.sector as Sector, stage: h.to_stage as Stage, from: h.from_stage as Stage | null, date: h.to_stage === 'established' ? lead.established_date : null, note: h.note });
    }
    for (const c of consultations) out.push({ at: `${c.date}T00:00:00+09:00`, kind: 'consulted', leadId: c.lead_id, topic: c.topic, date: c.date });
    for (const o of others) out.push({ at: `${o.established_date}T00:00:00+09:00`, kind: 'established-by-others', otherId: o.id, date: o.established_date, source: o.source });
    return out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }
}

/** One event of a company's history in this domain (module.ts words it for the registry's timeline). */
export interface TimelineItem {
  at: string;
  kind: 'lead-created' | 'stage-moved' | 'established' | 'dropped' | 'consulted' | 'established-by-others';
  leadId?: number;
  otherId?: number;
  sector?: Sector;
  stage?: Stage;
  from?: Stage | null;
  date?: string | null;
  note?: string | null;
  topic?: string;
  source?: string;
}
