import { sql, type Insertable, type Updateable } from 'kysely';
import type { DbOrTrx } from '../core/db/index.js';
import type { SupportAttachmentsTable, SupportCasesTable, SupportGuidesTable, SupportPersonsTable } from './tables.js';
import type { Kind, Status } from './rules.js';

/** Filters of the staff case list (a member's list is always their own company's). */
export interface CaseFilter {
  status?: Status | 'active';
  kind?: Kind;
  /** A staff user, or 0 for cases nobody is assigned to. */
  assigneeId?: number;
  companyId?: number;
  /** Due before `today` and neither resolved nor closed. */
  overdue?: boolean;
  /** Today in Japan (YYYY-MM-DD), for `overdue`. */
  today?: string;
}

export type CaseRow = SupportCasesTable & { id: number };
export type PersonRow = SupportPersonsTable & { id: number };
export type GuideRow = SupportGuidesTable & { id: number };
export type AttachmentMetaRow = Omit<SupportAttachmentsTable, 'content' | 'id'> & { id: number };

const ATTACHMENT_META = ['id', 'case_id', 'message_id', 'filename', 'format', 'mimetype', 'size', 'key_id', 'uploaded_by', 'created_at'] as const;

/** Kysely queries of the support domain. The service owns transactions, access, rules and audit. */
export const supportStore = {
  caseById: (db: DbOrTrx, id: number) => db.selectFrom('support_cases').selectAll().where('id', '=', id).executeTakeFirst() as Promise<CaseRow | undefined>,

  casesQuery(db: DbOrTrx, f: CaseFilter) {
    let q = db.selectFrom('support_cases');
    if (f.status === 'active') q = q.where('status', '!=', 'closed');
    else if (f.status) q = q.where('status', '=', f.status);
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.assigneeId === 0) q = q.where('assignee_id', 'is', null);
    else if (f.assigneeId !== undefined) q = q.where('assignee_id', '=', f.assigneeId);
    if (f.companyId !== undefined) q = q.where('company_id', '=', f.companyId);
    if (f.overdue && f.today) q = q.where('due_date', '<', f.today).where('status', 'not in', ['resolved', 'closed']);
    return q;
  },

  async countCases(db: DbOrTrx, f: CaseFilter): Promise<number> {
    const r = await this.casesQuery(db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  },

  cases(db: DbOrTrx, f: CaseFilter, page?: { limit: number; offset: number }): Promise<CaseRow[]> {
    let q = supportStore.casesQuery(db, f).selectAll().orderBy('updated_at', 'desc').orderBy('id', 'desc');
    if (page) q = q.limit(page.limit).offset(page.offset);
    return q.execute() as Promise<CaseRow[]>;
  },

  /** Companies that have cases (for the staff filter). */
  async caseCompanyIds(db: DbOrTrx): Promise<number[]> {
    const rows = await db.selectFrom('support_cases').select('company_id').distinct().execute();
    return rows.map((r) => r.company_id);
  },

  insertCase: (db: DbOrTrx, row: Insertable<SupportCasesTable>) => db.insertInto('support_cases').values(row).returningAll().executeTakeFirstOrThrow() as Promise<CaseRow>,

  updateCase: (db: DbOrTrx, id: number, set: Updateable<SupportCasesTable>) =>
    db.updateTable('support_cases').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow() as Promise<CaseRow>,

  messages: (db: DbOrTrx, caseId: number, withInternal: boolean) => {
    let q = db.selectFrom('support_messages').selectAll().where('case_id', '=', caseId);
    if (!withInternal) q = q.where('internal', '=', 0);
    return q.orderBy('created_at').orderBy('id').execute();
  },

  insertMessage: (db: DbOrTrx, row: { case_id: number; author_id: number | null; author_name: string; author_role: string; body: string; internal: number; created_at: string }) =>
    db.insertInto('support_messages').values(row).returningAll().executeTakeFirstOrThrow(),

  messageInCase: (db: DbOrTrx, caseId: number, messageId: number) => db.selectFrom('support_messages').select(['id', 'internal']).where('case_id', '=', caseId).where('id', '=', messageId).executeTakeFirst(),

  events: (db: DbOrTrx, caseId: number) => db.selectFrom('support_case_events').selectAll().where('case_id', '=', caseId).orderBy('at').orderBy('id').execute(),

  insertEvent: (db: DbOrTrx, row: { case_id: number; kind: string; from_value: string | null; to_value: string | null; actor_id: number | null; actor_label: string; at: string }) =>
    db.insertInto('support_case_events').values(row).execute(),

  persons: (db: DbOrTrx, caseId: number) => db.selectFrom('support_persons').selectAll().where('case_id', '=', caseId).orderBy('id').execute() as Promise<PersonRow[]>,

  person: (db: DbOrTrx, caseId: number, id: number) => db.selectFrom('support_persons').selectAll().where('case_id', '=', caseId).where('id', '=', id).executeTakeFirst() as Promise<PersonRow | undefined>,

  insertPerson: (db: DbOrTrx, row: Insertable<SupportPersonsTable>) => db.insertInto('support_persons').values(row).returningAll().executeTakeFirstOrThrow() as Promise<PersonRow>,

  updatePerson: (db: DbOrTrx, id: number, set: Updateable<SupportPersonsTable>) => db.updateTable('support_persons').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow() as Promise<PersonRow>,

  deletePerson: (db: DbOrTrx, id: number) => db.deleteFrom('support_persons').where('id', '=', id).execute(),

  attachments: (db: DbOrTrx, caseId: number) => db.selectFrom('support_attachments').select(ATTACHMENT_META).where('case_id', '=', caseId).orderBy('id').execute() as Promise<AttachmentMetaRow[]>,

  attachment: (db: DbOrTrx, caseId: number, id: number) => db.selectFrom('support_attachments').selectAll().where('case_id', '=', caseId).where('id', '=', id).executeTakeFirst(),

  insertAttachment: (db: DbOrTrx, row: Insertable<SupportAttachmentsTable>) => db.insertInto('support_attachments').values(row).returning(ATTACHMENT_META).executeTakeFirstOrThrow() as Promise<AttachmentMetaRow>,

  logDownload: (db: DbOrTrx, row: { attachment_id: number; case_id: number; user_id: number | null; user_label: string; via: string; request_id: string | null; at: string }) =>
    db.insertInto('support_downloads').values(row).execute(),

  downloads: (db: DbOrTrx, caseId: number) => db.selectFrom('support_downloads').selectAll().where('case_id', '=', caseId).orderBy('at', 'desc').orderBy('id', 'desc').limit(500).execute(),

  /** Messages, attachments and people of each case, counted (for lists and the export). */
  async counts(db: DbOrTrx, caseIds: number[]): Promise<Map<number, { messages: number; attachments: number; persons: number }>> {
    const out = new Map<number, { messages: number; attachments: number; persons: number }>();
    if (!caseIds.length) return out;
    for (const id of caseIds) out.set(id, { messages: 0, attachments: 0, persons: 0 });
    for (const [table, key] of [
      ['support_messages', 'messages'],
      ['support_attachments', 'attachments'],
      ['support_persons', 'persons'],
    ] as const) {
      for (let i = 0; i < caseIds.length; i += 500) {
        const rows = await db
          .selectFrom(table)
          .select(['case_id', sql<number>`count(*)`.as('n')])
          .where('case_id', 'in', caseIds.slice(i, i + 500))
          .groupBy('case_id')
          .execute();
        for (const r of rows) out.get(r.case_id)![key] = Number(r.n);
      }
    }
    return out;
  },

  /** Closed cases whose retention period has passed and whose personal data is still kept. */
  purgeable: (db: DbOrTrx, closedBefore: string, limit: number) =>
    db
      .selectFrom('support_cases')
      .selectAll()
      .where('status', '=', 'closed')
      .where('closed_at', '<=', closedBefore)
      .where('personal_data_purged_at', 'is', null)
      .orderBy('closed_at')
      .limit(limit)
      .execute() as Promise<CaseRow[]>,

  async deletePersonalData(db: DbOrTrx, caseId: number): Promise<{ persons: number; attachments: number }> {
    const p = await db.deleteFrom('support_persons').where('case_id', '=', caseId).executeTakeFirst();
    const a = await db.deleteFrom('support_attachments').where('case_id', '=', caseId).executeTakeFirst();
    return { persons: Number(p.numDeletedRows), attachments: Number(a.numDeletedRows) };
  },

  /** Users by id: name, email, role and whether they may still act. */
  users: async (db: DbOrTrx, ids: number[]) => {
    const wanted = [...new Set(ids)];
    if (!wanted.length) return new Map<number, { id: number; display_name: string; email: string; role: string; active: number; company_id: string | null }>();
    const rows = await db.selectFrom('users').select(['id', 'display_name', 'email', 'role', 'active', 'company_id']).where('id', 'in', wanted).execute();
    return new Map(rows.map((r) => [r.id, r]));
  },

  /** Active staff (the people cases are assigned to and notified). */
  staff: (db: DbOrTrx) => db.selectFrom('users').select(['id', 'display_name', 'email']).where('role', '=', 'staff').where('active', '=', 1).orderBy('display_name').execute(),

  /** Active members whose account names one of these company ids. */
  membersOf: (db: DbOrTrx, companyIds: string[]) =>
    companyIds.length ? db.selectFrom('users').select(['id', 'email', 'display_name']).where('role', '=', 'member').where('active', '=', 1).where('company_id', 'in', companyIds).execute() : Promise.resolve([]),

  /** Company ids members' accounts name (resolved through the registry by the service). */
  memberCompanyIds: async (db: DbOrTrx) =>
    (await db.selectFrom('users').select('company_id').distinct().where('role', '=', 'member').where('active', '=', 1).where('company_id', 'is not', null).execute()).map((r) => r.company_id!),

  guides: (db: DbOrTrx, onlyPublished: boolean) => {
    let q = db.selectFrom('support_guides').selectAll();
    if (onlyPublished) q = q.where('published', '=', 1);
    return q.orderBy('slug').execute() as Promise<GuideRow[]>;
  },
  guideBySlug: (db: DbOrTrx, slug: string) => db.selectFrom('support_guides').selectAll().where('slug', '=', slug).executeTakeFirst() as Promise<GuideRow | undefined>,
  guideById: (db: DbOrTrx, id: number) => db.selectFrom('support_guides').selectAll().where('id', '=', id).executeTakeFirst() as Promise<GuideRow | undefined>,
  insertGuide: (db: DbOrTrx, row: Insertable<SupportGuidesTable>) => db.insertInto('support_guides').values(row).returningAll().executeTakeFirstOrThrow() as Promise<GuideRow>,
  updateGuide: (db: DbOrTrx, id: number, set: Updateable<SupportGuidesTable>) => db.updateTable('support_guides').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow() as Promise<GuideRow>,
  deleteGuide: (db: DbOrTrx, id: number) => db.deleteFrom('support_guides').where('id', '=', id).execute(),
  async guideCategories(db: DbOrTrx, ids: number[]): Promise<Map<number, Kind[]>> {
    const out = new Map<number, Kind[]>(ids.map((id) => [id, []]));
    if (!ids.length) return out;
    const rows = await db.selectFrom('support_guide_categories').selectAll().where('guide_id', 'in', ids).orderBy('kind').execute();
    for (const r of rows) out.get(r.guide_id)?.push(r.kind as Kind);
    return out;
  },
  async setGuideCategories(db: DbOrTrx, id: number, kinds: readonly Kind[]): Promise<void> {
    await db.deleteFrom('support_guide_categories').where('guide_id', '=', id).execute();
    if (kinds.length) await db.insertInto('support_guide_categories').values(kinds.map((kind) => ({ guide_id: id, kind }))).execute();
  },

  /** Case events of a company's cases, for the registry's timeline. */
  companyEvents: (db: DbOrTrx, companyId: number) =>
    db
      .selectFrom('support_case_events as e')
      .innerJoin('support_cases as c', 'c.id', 'e.case_id')
      .select(['e.case_id', 'e.kind', 'e.to_value', 'e.at', 'c.kind as case_kind'])
      .where('c.company_id', '=', companyId)
      .where('e.kind', 'in', ['opened', 'status'])
      .orderBy('e.at')
      .orderBy('e.id')
      .execute(),
};

/** Run-once work (the retention purge) takes the core lease. */
export { leases } from '../core/lease.js';
