import { sql, type Insertable, type Updateable } from 'kysely';
import type { DbOrTrx, Dialect } from '../core/db/index.js';
import { fiscalYearOfDate } from '../core/db/index.js';
import { fiscalYearStartUtc, fiscalYearRange } from '../core/fiscal.js';
import type { AttractionConsultationsTable, AttractionLeadsTable, AttractionOtherEstablishmentsTable, AttractionTasksTable } from './tables.js';
import { isSectorGroup, sectorsOf, type Sector, type SectorGroup, type Stage } from './rules.js';

/** Filters of the pipeline table and board. */
export interface LeadFilter {
  stage?: Stage;
  /** A sector, or a sector group (all its sectors). */
  sector?: Sector | SectorGroup;
  ownerId?: number;
  companyId?: number;
  /** A fiscal year, of the lead's creation (default) or of its establishment. */
  fiscalYear?: number;
  fyBasis?: 'created' | 'established';
}

export interface OtherFilter {
  sector?: Sector | SectorGroup;
  fiscalYear?: number;
  companyId?: number;
}

const sectorList = (s: Sector | SectorGroup): Sector[] => (isSectorGroup(s) ? sectorsOf(s) : [s]);

/** Kysely queries of the attraction domain. The service owns transactions, rules and audit. */
export const attractionStore = {
  lead: (db: DbOrTrx, id: number) => db.selectFrom('attraction_leads').selectAll().where('id', '=', id).executeTakeFirst(),

  leadsQuery(db: DbOrTrx, f: LeadFilter) {
    let q = db.selectFrom('attraction_leads');
    if (f.stage) q = q.where('stage', '=', f.stage);
    if (f.sector) q = q.where('sector', 'in', sectorList(f.sector));
    if (f.ownerId !== undefined) q = q.where('owner_id', '=', f.ownerId);
    if (f.companyId !== undefined) q = q.where('company_id', '=', f.companyId);
    if (f.fiscalYear !== undefined) {
      // Ranges rather than a computed year, so the indexes serve the filter.
      if (f.fyBasis === 'established') {
        const { start, end } = fiscalYearRange(f.fiscalYear);
        q = q.where('established_date', '>=', start).where('established_date', '<=', end).where('stage', '=', 'established');
      } else {
        q = q.where('created_at', '>=', fiscalYearStartUtc(f.fiscalYear).toISOString()).where('created_at', '<', fiscalYearStartUtc(f.fiscalYear + 1).toISOString());
      }
    }
    return q;
  },

  async countLeads(db: DbOrTrx, f: LeadFilter): Promise<number> {
    const r = await this.leadsQuery(db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  },

  leads: (db: DbOrTrx, f: LeadFilter, page?: { limit: number; offset: number }) => {
    let q = attractionStore.leadsQuery(db, f).selectAll().orderBy('id', 'desc');
    if (page) q = q.limit(page.limit).offset(page.offset);
    return q.execute();
  },

  /** Leads per stage (the board's column counts). */
  async countByStage(db: DbOrTrx, f: LeadFilter): Promise<Map<string, number>> {
    const rows = await this.leadsQuery(db, f).select(['stage', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('stage').execute();
    return new Map(rows.map((r) => [r.stage, Number(r.n)]));
  },

  /** The most recently moved leads of one stage (a board column): only what a card shows. */
  boardColumn: (db: DbOrTrx, f: LeadFilter, stage: Stage, limit: number) =>
    attractionStore
      .leadsQuery(db, { ...f, stage })
      .select(['id', 'company_id', 'sector', 'owner_id', 'stage', 'dropped_from'])
      .orderBy('stage_changed_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute(),

  /** Leads of a company that still count (not dropped). */
  liveLeadsOfCompany: (db: DbOrTrx, companyId: number) => db.selectFrom('attraction_leads').select(['id', 'stage']).where('company_id', '=', companyId).where('stage', '!=', 'dropped').execute(),

  insertLead: (db: DbOrTrx, row: Insertable<AttractionLeadsTable>) => db.insertInto('attraction_leads').values(row).returning('id').executeTakeFirstOrThrow(),

  /** Update a lead only if it is still in the stage the caller read (a concurrent move loses). */
  async updateLead(db: DbOrTrx, id: number, expectStage: string, patch: Updateable<AttractionLeadsTable>): Promise<boolean> {
    const r = await db.updateTable('attraction_leads').set(patch).where('id', '=', id).where('stage', '=', expectStage).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  insertHistory: (db: DbOrTrx, row: { lead_id: number; from_stage: string | null; to_stage: string; note: string | null; actor_id: number | null; actor_label: string; at: string }) =>
    db.insertInto('attraction_stage_history').values(row).execute(),

  history: (db: DbOrTrx, leadId: number) => db.selectFrom('attraction_stage_history').selectAll().where('lead_id', '=', leadId).orderBy('id').execute(),
  historyOfLeads: (db: DbOrTrx, leadIds: number[]) => (leadIds.length ? db.selectFrom('attraction_stage_history').selectAll().where('lead_id', 'in', leadIds).orderBy('id').execute() : Promise.resolve([])),

  consultations: (db: DbOrTrx, leadId: number) => db.selectFrom('attraction_consultations').selectAll().where('lead_id', '=', leadId).orderBy('date', 'desc').orderBy('id', 'desc').execute(),
  consultationsOfLeads: (db: DbOrTrx, leadIds: number[]) => (leadIds.length ? db.selectFrom('attraction_consultations').selectAll().where('lead_id', 'in', leadIds).orderBy('date').orderBy('id').execute() : Promise.resolve([])),
  consultation: (db: DbOrTrx, id: number) => db.selectFrom('attraction_consultations').selectAll().where('id', '=', id).executeTakeFirst(),
  async consultationCount(db: DbOrTrx, leadId: number): Promise<number> {
    const r = await db.selectFrom('attraction_consultations').select((eb) => eb.fn.countAll<number>().as('n')).where('lead_id', '=', leadId).executeTakeFirstOrThrow();
    return Number(r.n);
  },
  insertConsultation: (db: DbOrTrx, row: Insertable<AttractionConsultationsTable>) => db.insertInto('attraction_consultations').values(row).returning('id').executeTakeFirstOrThrow(),

  tasksOfLead: (db: DbOrTrx, leadId: number) => db.selectFrom('attraction_tasks').selectAll().where('lead_id', '=', leadId).orderBy('done').orderBy('due_date').orderBy('id').execute(),
  task: (db: DbOrTrx, id: number) => db.selectFrom('attraction_tasks').selectAll().where('id', '=', id).executeTakeFirst(),
  insertTask: (db: DbOrTrx, row: Insertable<AttractionTasksTable>) => db.insertInto('attraction_tasks').values(row).returning('id').executeTakeFirstOrThrow(),
  updateTask: (db: DbOrTrx, id: number, patch: Updateable<AttractionTasksTable>) => db.updateTable('attraction_tasks').set(patch).where('id', '=', id).execute(),
  /** Open tasks of an assignee due on or before a date (overdue and upcoming alike). */
  openTasksOf: (db: DbOrTrx, assigneeId: number, dueOnOrBefore: string) =>
    db.selectFrom('attraction_tasks').selectAll().where('assignee_id', '=', assigneeId).where('done', '=', 0).where('due_date', '<=', dueOnOrBefore).orderBy('due_date').orderBy('id').execute(),

  other: (db: DbOrTrx, id: number) => db.selectFrom('attraction_other_establishments').selectAll().where('id', '=', id).executeTakeFirst(),
  othersQuery(db: DbOrTrx, f: OtherFilter) {
    let q = db.selectFrom('attraction_other_establishments');
    if (f.sector) q = q.where('sector', 'in', sectorList(f.sector));
    if (f.companyId !== undefined) q = q.where('company_id', '=', f.companyId);
    if (f.fiscalYear !== undefined) {
      const { start, end } = fiscalYearRange(f.fiscalYear);
      q = q.where('established_date', '>=', start).where('established_date', '<=', end);
    }
    return q;
  },
  others: (db: DbOrTrx, f: OtherFilter) => attractionStore.othersQuery(db, f).selectAll().orderBy('established_date', 'desc').orderBy('id', 'desc').execute(),
  othersOfCompany: (db: DbOrTrx, companyId: number) => db.selectFrom('attraction_other_establishments').select(['id']).where('company_id', '=', companyId).execute(),
  insertOther: (db: DbOrTrx, row: Insertable<AttractionOtherEstablishmentsTable>) => db.insertInto('attraction_other_establishments').values(row).returning('id').executeTakeFirstOrThrow(),
  updateOther: (db: DbOrTrx, id: number, patch: Updateable<AttractionOtherEstablishmentsTable>) => db.updateTable('attraction_other_establishments').set(patch).where('id', '=', id).execute(),
  deleteOther: (db: DbOrTrx, id: number) => db.deleteFrom('attraction_other_establishments').where('id', '=', id).execute(),

  /** Move every reference from one company to another (a registry merge). Returns the rows moved. */
  async moveCompany(db: DbOrTrx, fromId: number, intoId: number): Promise<{ leads: number[]; others: number[] }> {
    const leads = await db.selectFrom('attraction_leads').select('id').where('company_id', '=', fromId).execute();
    const others = await db.selectFrom('attraction_other_establishments').select('id').where('company_id', '=', fromId).execute();
    if (leads.length) await db.updateTable('attraction_leads').set({ company_id: intoId }).where('company_id', '=', fromId).execute();
    if (others.length) await db.updateTable('attraction_other_establishments').set({ company_id: intoId }).where('company_id', '=', fromId).execute();
    return { leads: leads.map((r) => r.id), others: others.map((r) => r.id) };
  },

  /**
   * Firms established in Tokyo per fiscal year of the establishment date: leads the city worked
   * (by = city), or those plus the establishments attracted by others (by = total).
   */
  async establishedByYear(db: DbOrTrx, dialect: Dialect, sectors: readonly Sector[], by: 'city' | 'total'): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    if (!sectors.length) return out;
    const fy = fiscalYearOfDate(dialect, 'established_date');
    const city = await db
      .selectFrom('attraction_leads')
      .select([fy.as('fy'), sql<number>`count(*)`.as('n')])
      .where('stage', '=', 'established')
      .where('sector', 'in', [...sectors])
      .groupBy(fy)
      .execute();
    for (const r of city) out.set(Number(r.fy), Number(r.n));
    if (by === 'total') {
      const others = await db
        .selectFrom('attraction_other_establishments')
        .select([fy.as('fy'), sql<number>`count(*)`.as('n')])
        .where('sector', 'in', [...sectors])
        .groupBy(fy)
        .execute();
      for (const r of others) out.set(Number(r.fy), (out.get(Number(r.fy)) ?? 0) + Number(r.n));
    }
    return out;
  },

  /** Consultations held per fiscal year of their date. */
  async consultationsByYear(db: DbOrTrx, dialect: Dialect, sectors: readonly Sector[]): Promise<Map<number, number>> {
    if (!sectors.length) return new Map();
    const fy = fiscalYearOfDate(dialect, 'c.date');
    const rows = await db
      .selectFrom('attraction_consultations as c')
      .innerJoin('attraction_leads as l', 'l.id', 'c.lead_id')
      .select([fy.as('fy'), sql<number>`count(*)`.as('n')])
      .where('l.sector', 'in', [...sectors])
      .groupBy(fy)
      .execute();
    return new Map(rows.map((r) => [Number(r.fy), Number(r.n)]));
  },
};

