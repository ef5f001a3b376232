import type { AppContext } from '../core/context.js';
import type { Db, DbOrTrx, Trx } from '../core/db/index.js';
import type { AuthUser } from '../core/auth/service.js';
import { audit, registerPersonalKeys, systemActor, type Actor } from '../core/audit.js';
import { DomainError, type ErrorCode, type FieldProblem } from '../core/errors.js';
import { resolveAttachmentKey } from '../core/config.js';
import { enqueue, getOutboxEntry, listOutbox, requeue, type MailStatus, type OutboxEntry } from '../core/mail/index.js';
import { bumpVersion } from '../core/versions.js';
import { companiesService, type CompanyMergeEvent, type Company } from '../companies/index.js';
import { AttachmentKey, decrypt, encrypt } from './crypto.js';
import { checkFile, type CheckedFile, type UploadedFile } from './files.js';
import { caseMail, say, type Audience, type MailEvent } from './notify.js';
import { allowedMoves, canMove, isKind, isStatus, KINDS, statusAfterMessage, type Kind, type Status } from './rules.js';
import { leases, supportStore as store, type AttachmentMetaRow, type CaseFilter, type CaseRow, type GuideRow, type PersonRow } from './store.js';

/** Data-version scope bumped by every write of the support desk. */
export const SCOPE = 'support';

// Personal data of the people a case concerns: redacted wherever it reaches the audit log.
registerPersonalKeys('fullName', 'nationality', 'passportNumber', 'residenceCardNumber', 'dateOfBirth', 'homeAddress', 'documentName');

// ---------------------------------------------------------------------------------------------
// Shapes the API and the pages see

export interface Bilingual {
  ja: string;
  en: string;
}
export interface UserRef {
  id: number;
  name: string;
}
export interface CompanyRef {
  id: number;
  name: Bilingual;
}

export interface CaseSummary {
  id: number;
  company: CompanyRef;
  kind: Kind;
  title: string;
  status: Status;
  assignee: UserRef | null;
  dueDate: string | null;
  overdue: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  personalDataPurgedAt: string | null;
}

export interface AttachmentView {
  id: number;
  messageId: number | null;
  filename: string;
  format: string;
  mimetype: string;
  size: number;
  uploadedBy: UserRef | null;
  createdAt: string;
}

export interface MessageView {
  id: number;
  author: { id: number | null; name: string; role: 'staff' | 'company' };
  body: string;
  internal: boolean;
  createdAt: string;
  attachments: AttachmentView[];
}

export interface PersonView {
  id: number;
  fullName: string;
  nationality: string | null;
  passportNumber: string | null;
  residenceCardNumber: string | null;
  dateOfBirth: string | null;
  homeAddress: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface EventView {
  at: string;
  kind: string;
  from: string | null;
  to: string | null;
  /** Who: a staff member's name for staff; "support desk" (null) for the company when staff acted. */
  actor: { name: string | null; role: 'staff' | 'company' | 'system' };
}

export interface DownloadView {
  at: string;
  attachmentId: number;
  filename: string | null;
  user: { id: number | null; label: string };
  via: string;
}

export interface CaseDetail extends CaseSummary {
  messages: MessageView[];
  attachments: AttachmentView[];
  persons: PersonView[];
  history: EventView[];
  /** Statuses the caller may move the case to. */
  allowedStatuses: Status[];
  /** Staff only: who downloaded which file, newest first. */
  downloads?: DownloadView[];
}

export interface PersonInput {
  fullName: string;
  nationality?: string | null;
  passportNumber?: string | null;
  residenceCardNumber?: string | null;
  dateOfBirth?: string | null;
  homeAddress?: string | null;
}

export interface CaseInput {
  companyId?: number;
  kind: string;
  title: string;
  description: string;
  assigneeId?: number | null;
  dueDate?: string | null;
  persons?: PersonInput[];
}

export interface CasePatch {
  status?: string;
  assigneeId?: number | null;
  dueDate?: string | null;
  title?: string;
  kind?: string;
}

export interface GuideView {
  id: number;
  slug: string;
  title: Bilingual;
  body: Bilingual;
  categories: Kind[];
  published: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface GuideInput {
  slug: string;
  titleJa: string;
  titleEn: string;
  bodyJa: string;
  bodyEn: string;
  categories?: string[];
  published?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Errors: English for the API and the CLI, with message keys so pages speak the reader's language

export function problem(field: string, key: string, params?: Record<string, string | number>): FieldProblem {
  return { field, key, params, message: say('en', key, params) };
}

export class SupportError extends DomainError {
  constructor(code: ErrorCode, summaryKey: string, fields: FieldProblem[] = [], params?: Record<string, string | number>) {
    super(code, say('en', summaryKey, params), fields);
    this.name = 'SupportError';
  }
}

const caseNotFound = () => new SupportError('not-found', 'support.err.caseNotFound');
const invalid = (fields: FieldProblem[]) => new SupportError('validation-failed', 'support.err.summary', fields);
const forbiddenFields = (fields: string[]) =>
  new SupportError(
    'forbidden',
    'support.err.staffOnly',
    fields.map((f) => problem(f, 'support.err.staffOnlyField')),
  );

const DATE = /^\d{4}-\d{2}-\d{2}$/;
export function isDate(v: string): boolean {
  if (!DATE.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** Today's date in Japan. */
export const todayInJapan = (now: Date) => new Date(now.getTime() + 9 * 3600_000).toISOString().slice(0, 10);

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const clean = (v: string | null | undefined) => {
  const s = (v ?? '').trim();
  return s === '' ? null : s;
};

function companyName(c: Company | undefined, id: number): Bilingual {
  const fallback = `#${id}`;
  return { ja: c?.nameJa ?? c?.nameEn ?? fallback, en: c?.nameEn ?? c?.nameJa ?? fallback };
}

export const isStaffUser = (u: AuthUser | null | undefined) => !!u && (u.role === 'staff' || u.role === 'admin');

interface Viewer {
  user: AuthUser;
  actor: Actor;
  staff: boolean;
  /** The member's company (after merges), or null when their account names none we know. */
  companyId: number | null;
}

interface PendingMail {
  event: MailEvent;
  audience: Audience;
  to: string[];
}

export class SupportService {
  private key: AttachmentKey | null = null;

  constructor(private readonly ctx: AppContext) {}

  private get db(): Db {
    return this.ctx.db;
  }

  private get attachmentKey(): AttachmentKey {
    this.key ??= new AttachmentKey(resolveAttachmentKey(this.ctx.config));
    return this.key;
  }

  /** Resolve the attachment key now (start-up), so a missing key stops the process with its name. */
  checkKey(): void {
    void this.attachmentKey;
  }

  private now(): string {
    return this.ctx.clock.now().toISOString();
  }

  // -------------------------------------------------------------------------------------------
  // Access

  async viewer(user: AuthUser | null, requestId?: string): Promise<Viewer> {
    if (!user) throw new DomainError('unauthenticated', 'Sign in or send an API token');
    const actor: Actor = { id: user.id, label: user.email, role: user.role, requestId };
    if (isStaffUser(user)) return { user, actor, staff: true, companyId: null };
    if (user.role === 'member') return { user, actor, staff: false, companyId: await this.memberCompany(user) };
    throw new SupportError('forbidden', 'support.err.notForRole');
  }

  /** The company a member acts for: their account's company, or the one it was merged into. */
  async memberCompany(user: AuthUser): Promise<number | null> {
    if (!user.companyId || !/^\d+$/.test(user.companyId)) return null;
    try {
      return (await companiesService(this.ctx).get(Number(user.companyId))).id;
    } catch (err) {
      if (err instanceof DomainError && err.code === 'not-found') return null;
      throw err;
    }
  }

  /** A case the viewer may see; any other id answers the same 404 as a case that does not exist. */
  private async visibleCase(v: Viewer, id: number, db: DbOrTrx = this.db): Promise<CaseRow> {
    const row = Number.isSafeInteger(id) && id > 0 ? await store.caseById(db, id) : undefined;
    if (!row || (!v.staff && (v.companyId === null || row.company_id !== v.companyId))) throw caseNotFound();
    return row;
  }

  private requireStaff(v: Viewer): void {
    if (!v.staff) throw new SupportError('forbidden', 'support.err.staffOnly');
  }

  // -------------------------------------------------------------------------------------------
  // Reading cases

  private async summaries(rows: CaseRow[]): Promise<CaseSummary[]> {
    const companies = await companiesService(this.ctx).getMany(rows.map((r) => r.company_id));
    const users = await store.users(this.db, rows.map((r) => r.assignee_id).filter((x): x is number => x !== null));
    const today = todayInJapan(this.ctx.clock.now());
    return rows.map((r) => {
      const assignee = r.assignee_id !== null ? users.get(r.assignee_id) : undefined;
      return {
        id: r.id,
        company: { id: r.company_id, name: companyName(companies.get(r.company_id), r.company_id) },
        kind: r.kind as Kind,
        title: r.title,
        status: r.status as Status,
        assignee: assignee ? { id: assignee.id, name: assignee.display_name } : null,
        dueDate: r.due_date,
        overdue: r.due_date !== null && r.due_date < today && r.status !== 'resolved' && r.status !== 'closed',
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        closedAt: r.closed_at,
        personalDataPurgedAt: r.personal_data_purged_at,
      };
    });
  }

  /** Staff: every case, filtered. Members: their company's cases (other filters apply within it). */
  async listCases(user: AuthUser | null, filter: CaseFilter = {}, page = { limit: 50, offset: 0 }): Promise<{ total: number; items: CaseSummary[] }> {
    const v = await this.viewer(user);
    const f: CaseFilter = { ...filter, today: todayInJapan(this.ctx.clock.now()) };
    if (!v.staff) {
      if (v.companyId === null) return { total: 0, items: [] };
      f.companyId = v.companyId;
    }
    const [total, rows] = await Promise.all([store.countCases(this.db, f), store.cases(this.db, f, page)]);
    return { total, items: await this.summaries(rows) };
  }

  async getCase(user: AuthUser | null, id: number): Promise<CaseDetail> {
    const v = await this.viewer(user);
    const row = await this.visibleCase(v, id);
    const [summary] = await this.summaries([row]);
    const [messages, attachments, persons, events] = await Promise.all([store.messages(this.db, id, v.staff), store.attachments(this.db, id), store.persons(this.db, id), store.events(this.db, id)]);
    const internalIds = new Set(v.staff ? [] : (await store.messages(this.db, id, true)).filter((m) => m.internal).map((m) => m.id));
    const visibleAttachments = attachments.filter((a) => a.message_id === null || !internalIds.has(a.message_id));
    const userIds = [...messages.map((m) => m.author_id), ...visibleAttachments.map((a) => a.uploaded_by), ...events.map((e) => e.actor_id)].filter((x): x is number => x !== null);
    const users = await store.users(this.db, userIds);
    const attachmentView = (a: AttachmentMetaRow): AttachmentView => {
      const u = a.uploaded_by !== null ? users.get(a.uploaded_by) : undefined;
      return { id: a.id, messageId: a.message_id, filename: a.filename, format: a.format, mimetype: a.mimetype, size: Number(a.size), uploadedBy: u ? { id: u.id, name: u.display_name } : null, createdAt: a.created_at };
    };
    const detail: CaseDetail = {
      ...summary!,
      messages: messages.map((m) => ({
        id: m.id,
        author: { id: m.author_id, name: m.author_name, role: m.author_role === 'staff' ? 'staff' : 'company' },
        body: m.body,
        internal: m.internal === 1,
        createdAt: m.created_at,
        attachments: visibleAttachments.filter((a) => a.message_id === m.id).map(attachmentView),
      })),
      attachments: visibleAttachments.map(attachmentView),
      persons: persons.map(toPerson),
      history: events.map((e) => {
        const u = e.actor_id !== null ? users.get(e.actor_id) : undefined;
        const role = e.actor_id === null ? 'system' : u && (u.role === 'staff' || u.role === 'admin') ? 'staff' : 'company';
        // The company sees "the support desk", not which staff member's account it was.
        return { at: e.at, kind: e.kind, from: e.from_value, to: e.to_value, actor: { name: role === 'staff' && !v.staff ? null : (u?.display_name ?? (role === 'system' ? null : e.actor_label)), role } };
      }),
      allowedStatuses: row.status === 'closed' && row.personal_data_purged_at !== null ? [] : [...allowedMoves(row.status as Status, v.staff)],
    };
    if (v.staff) {
      const names = new Map(attachments.map((a) => [a.id, a.filename]));
      detail.downloads = (await store.downloads(this.db, id)).map((d) => ({ at: d.at, attachmentId: d.attachment_id, filename: names.get(d.attachment_id) ?? null, user: { id: d.user_id, label: d.user_label }, via: d.via }));
    }
    return detail;
  }

  /** Staff who may be assigned a case. */
  async assignableStaff(user: AuthUser | null): Promise<UserRef[]> {
    const v = await this.viewer(user);
    this.requireStaff(v);
    return (await store.staff(this.db)).map((s) => ({ id: s.id, name: s.display_name }));
  }

  /** Companies that have cases, for the staff filter. */
  async caseCompanies(user: AuthUser | null): Promise<CompanyRef[]> {
    const v = await this.viewer(user);
    this.requireStaff(v);
    const ids = await store.caseCompanyIds(this.db);
    const companies = await companiesService(this.ctx).getMany(ids);
    const seen = new Map<number, CompanyRef>();
    for (const id of ids) {
      const c = companies.get(id);
      if (c && !seen.has(c.id)) seen.set(c.id, { id: c.id, name: companyName(c, c.id) });
    }
    return [...seen.values()].sort((a, b) => a.name.en.localeCompare(b.name.en));
  }

  // -------------------------------------------------------------------------------------------
  // Validation

  private checkPerson(p: Partial<PersonInput>, prefix: string, problems: FieldProblem[]): void {
    if (!clean(p.fullName)) problems.push(problem(`${prefix}fullName`, 'support.err.required'));
    else if (p.fullName!.length > 200) problems.push(problem(`${prefix}fullName`, 'support.err.tooLong', { max: 200 }));
    for (const [k, max] of [
      ['nationality', 100],
      ['passportNumber', 40],
      ['residenceCardNumber', 40],
      ['homeAddress', 500],
    ] as const) {
      const val = p[k];
      if (val && val.length > max) problems.push(problem(`${prefix}${k}`, 'support.err.tooLong', { max }));
    }
    const dob = clean(p.dateOfBirth);
    if (dob && (!isDate(dob) || dob > todayInJapan(this.ctx.clock.now()))) problems.push(problem(`${prefix}dateOfBirth`, 'support.err.date'));
    // A residence card number is two letters, eight digits, two letters (e.g. AB12345678CD).
    const card = clean(p.residenceCardNumber);
    if (card && !/^[A-Za-z]{2}\d{8}[A-Za-z]{2}$/.test(card.replace(/[\s-]/g, ''))) problems.push(problem(`${prefix}residenceCardNumber`, 'support.err.residenceCard'));
    const passport = clean(p.passportNumber);
    if (passport && !/^[A-Za-z0-9]{5,20}$/.test(passport.replace(/[\s-]/g, ''))) problems.push(problem(`${prefix}passportNumber`, 'support.err.passport'));
  }

  private personColumns(p: PersonInput) {
    return {
      full_name: p.fullName.trim(),
      nationality: clean(p.nationality),
      passport_number: clean(p.passportNumber)?.replace(/[\s-]/g, '').toUpperCase() ?? null,
      residence_card_number: clean(p.residenceCardNumber)?.replace(/[\s-]/g, '').toUpperCase() ?? null,
      date_of_birth: clean(p.dateOfBirth),
      home_address: clean(p.homeAddress),
    };
  }

  private async checkFiles(files: UploadedFile[], problems: FieldProblem[], field = 'file'): Promise<Array<{ file: CheckedFile; bytes: Buffer }>> {
    const out: Array<{ file: CheckedFile; bytes: Buffer }> = [];
    for (const f of files) {
      const r = await checkFile(f, this.ctx.config.attachmentMaxBytes);
      if (r.problem) problems.push(problem(field, r.problem.key, 'params' in r.problem ? r.problem.params : undefined));
      else out.push({ file: r.file!, bytes: f.bytes });
    }
    return out;
  }

  private async checkAssignee(id: number | null | undefined, problems: FieldProblem[]): Promise<void> {
    if (id === null || id === undefined) return;
    const u = (await store.users(this.db, [id])).get(id);
    if (!u || !u.active || (u.role !== 'staff' && u.role !== 'admin')) problems.push(problem('assigneeId', 'support.err.assignee'));
  }

  // -------------------------------------------------------------------------------------------
  // Mail

  /** Addresses of the company's active members (their accounts may name a company merged into it). */
  private async companyAddresses(companyId: number): Promise<string[]> {
    const ids = await store.memberCompanyIds(this.db);
    const numeric = ids.filter((i) => /^\d+$/.test(i)).map(Number);
    const resolved = await companiesService(this.ctx).getMany(numeric);
    const mine = numeric.filter((n) => resolved.get(n)?.id === companyId).map(String);
    return (await store.membersOf(this.db, mine)).map((m) => m.email);
  }

  /** The assignee, or every active staff member when nobody is assigned. */
  private async staffAddresses(assigneeId: number | null, except?: number): Promise<string[]> {
    if (assigneeId !== null) {
      const u = (await store.users(this.db, [assigneeId])).get(assigneeId);
      if (u && u.active && u.id !== except) return [u.email];
      if (u && u.id === except) return [];
    }
    return (await store.staff(this.db)).filter((s) => s.id !== except).map((s) => s.email);
  }

  private async mailsFor(event: MailEvent, audience: Audience, c: { company_id: number; assignee_id: number | null }, except: number): Promise<PendingMail[]> {
    const to = audience === 'company' ? await this.companyAddresses(c.company_id) : await this.staffAddresses(c.assignee_id, except);
    return to.length ? [{ event, audience, to }] : [];
  }

  // -------------------------------------------------------------------------------------------
  // Writing cases

  async createCase(user: AuthUser | null, input: CaseInput, files: UploadedFile[] = [], requestId?: string): Promise<CaseDetail> {
    const v = await this.viewer(user, requestId);
    const problems: FieldProblem[] = [];
    let companyId: number;
    if (v.staff) {
      if (input.companyId === undefined) {
        problems.push(problem('companyId', 'support.err.required'));
        companyId = 0;
      } else {
        try {
          companyId = (await companiesService(this.ctx).get(input.companyId)).id;
        } catch {
          problems.push(problem('companyId', 'support.err.company'));
          companyId = 0;
        }
      }
    } else {
      const staffOnly = (['assigneeId', 'dueDate'] as const).filter((k) => input[k] !== undefined && input[k] !== null);
      if (staffOnly.length) throw forbiddenFields(staffOnly);
      if (v.companyId === null) throw new SupportError('forbidden', 'support.err.noCompany');
      if (input.companyId !== undefined && input.companyId !== v.companyId) throw caseNotFoundForCompany();
      companyId = v.companyId;
    }
    if (!isKind(input.kind)) problems.push(problem('kind', 'support.err.kind'));
    const title = clean(input.title);
    if (!title) problems.push(problem('title', 'support.err.required'));
    else if (title.length > 200) problems.push(problem('title', 'support.err.tooLong', { max: 200 }));
    const description = clean(input.description);
    if (!description) problems.push(problem('description', 'support.err.required'));
    else if (description.length > 20000) problems.push(problem('description', 'support.err.tooLong', { max: 20000 }));
    if (input.dueDate && !isDate(input.dueDate)) problems.push(problem('dueDate', 'support.err.date'));
    await this.checkAssignee(input.assigneeId, problems);
    const persons = input.persons ?? [];
    persons.forEach((p, i) => this.checkPerson(p, `persons.${i}.`, problems));
    const checked = await this.checkFiles(files, problems);
    if (problems.length) throw invalid(problems);

    const assigneeId = input.assigneeId ?? null;
    const audience: Audience = v.staff ? 'company' : 'staff';
    const mails = await this.mailsFor('case-opened', audience, { company_id: companyId, assignee_id: assigneeId }, v.user.id);
    const names = await this.companyNames(companyId);
    const now = this.now();
    const id = await this.db.transaction().execute(async (trx) => {
      const row = await store.insertCase(trx, {
        company_id: companyId,
        kind: input.kind,
        title: title!,
        status: 'open',
        assignee_id: assigneeId,
        due_date: input.dueDate ?? null,
        created_by: v.user.id,
        created_at: now,
        updated_at: now,
        status_changed_at: now,
        closed_at: null,
        personal_data_purged_at: null,
      });
      await this.event(trx, row.id, v, 'opened', null, 'open');
      if (assigneeId !== null) await this.event(trx, row.id, v, 'assigned', null, String(assigneeId));
      const message = await store.insertMessage(trx, { case_id: row.id, author_id: v.user.id, author_name: v.user.displayName, author_role: v.staff ? 'staff' : 'company', body: description!, internal: 0, created_at: now });
      const personRows: PersonRow[] = [];
      for (const p of persons) personRows.push(await store.insertPerson(trx, { case_id: row.id, ...this.personColumns(p), created_at: now, updated_at: now }));
      const stored = [];
      for (const f of checked) stored.push(await this.storeAttachment(trx, row.id, message.id, f, v, now));
      await audit(trx, this.ctx.clock, v.actor, {
        action: 'support.case.create',
        entityType: 'support_case',
        entityId: row.id,
        after: { ...caseAudit(row), descriptionLength: description!.length, persons: personRows.map(toPerson), attachments: stored.map(attachmentAudit) },
      });
      await this.writeMailsNamed(trx, mails, row, names);
      await bumpVersion(trx, this.ctx.clock, SCOPE);
      return row.id;
    });
    return this.getCase(user, id);
  }

  private async companyNames(companyId: number): Promise<Bilingual> {
    const c = (await companiesService(this.ctx).getMany([companyId])).get(companyId);
    return companyName(c, companyId);
  }

  private async writeMailsNamed(trx: Trx, mails: PendingMail[], row: CaseRow, names: Bilingual): Promise<void> {
    for (const m of mails) {
      const mail = caseMail(m.event, m.audience, { id: row.id, title: row.title, status: row.status, companyName: names }, this.ctx.config.publicUrl);
      await enqueue(trx, { ...mail, to: m.to }, this.ctx.clock);
    }
  }

  private async event(trx: Trx, caseId: number, v: Viewer | null, kind: string, from: string | null, to: string | null): Promise<void> {
    await store.insertEvent(trx, { case_id: caseId, kind, from_value: from, to_value: to, actor_id: v?.user.id ?? null, actor_label: v?.actor.label ?? 'system', at: this.now() });
  }

  private async storeAttachment(trx: Trx, caseId: number, messageId: number | null, f: { file: CheckedFile; bytes: Buffer }, v: Viewer, now: string): Promise<AttachmentMetaRow> {
    const key = this.attachmentKey;
    return store.insertAttachment(trx, {
      case_id: caseId,
      message_id: messageId,
      filename: f.file.filename,
      format: f.file.format,
      mimetype: f.file.mimetype,
      size: f.file.size,
      key_id: key.id,
      content: encrypt(key, caseId, f.bytes),
      uploaded_by: v.user.id,
      created_at: now,
    });
  }

  async updateCase(user: AuthUser | null, id: number, patch: CasePatch, requestId?: string): Promise<CaseDetail> {
    const v = await this.viewer(user, requestId);
    const before = await this.visibleCase(v, id);
    if (!v.staff) {
      const staffOnly = (['assigneeId', 'dueDate', 'title', 'kind'] as const).filter((k) => patch[k] !== undefined);
      if (staffOnly.length) throw forbiddenFields(staffOnly);
    }
    const problems: FieldProblem[] = [];
    const set: Partial<CaseRow> = {};
    if (patch.status !== undefined && patch.status !== before.status) {
      if (!isStatus(patch.status)) problems.push(problem('status', 'support.err.status'));
      else if (!canMove(before.status as Status, patch.status, v.staff) || (before.personal_data_purged_at !== null && before.status === 'closed')) {
        throw new SupportError('conflict', 'support.err.move', [problem('status', 'support.err.move', { from: before.status, to: patch.status })], { from: before.status, to: patch.status });
      } else set.status = patch.status;
    }
    if (patch.assigneeId !== undefined && patch.assigneeId !== before.assignee_id) {
      await this.checkAssignee(patch.assigneeId, problems);
      set.assignee_id = patch.assigneeId;
    }
    if (patch.dueDate !== undefined && patch.dueDate !== before.due_date) {
      if (patch.dueDate !== null && !isDate(patch.dueDate)) problems.push(problem('dueDate', 'support.err.date'));
      set.due_date = patch.dueDate;
    }
    if (patch.title !== undefined) {
      const title = clean(patch.title);
      if (!title) problems.push(problem('title', 'support.err.required'));
      else if (title.length > 200) problems.push(problem('title', 'support.err.tooLong', { max: 200 }));
      else if (title !== before.title) set.title = title;
    }
    if (patch.kind !== undefined && patch.kind !== before.kind) {
      if (!isKind(patch.kind)) problems.push(problem('kind', 'support.err.kind'));
      else set.kind = patch.kind;
    }
    if (problems.length) throw invalid(problems);
    if (!Object.keys(set).length) return this.getCase(user, id);

    const mails: PendingMail[] = [];
    if (set.status) mails.push(...(await this.mailsFor('status-changed', v.staff ? 'company' : 'staff', before, v.user.id)));
    if (set.assignee_id && set.assignee_id !== v.user.id) mails.push(...(await this.mailsFor('assigned', 'staff', { ...before, assignee_id: set.assignee_id }, v.user.id)));
    const names = await this.companyNames(before.company_id);
    const now = this.now();
    await this.db.transaction().execute(async (trx) => {
      const current = await this.visibleCase(v, id, trx);
      // Another request moved the case since it was read: refuse rather than apply a move from a stale status.
      if (set.status && current.status !== before.status) throw new SupportError('conflict', 'support.err.move', [problem('status', 'support.err.move', { from: current.status, to: set.status })]);
      const statusSet = set.status ? { status_changed_at: now, closed_at: set.status === 'closed' ? now : null } : {};
      const row = await store.updateCase(trx, id, { ...set, ...statusSet, updated_at: now });
      if (set.status) await this.event(trx, id, v, 'status', before.status, set.status);
      if (set.assignee_id !== undefined) await this.event(trx, id, v, 'assigned', before.assignee_id === null ? null : String(before.assignee_id), set.assignee_id === null ? null : String(set.assignee_id));
      if (set.due_date !== undefined) await this.event(trx, id, v, 'due-date', before.due_date, set.due_date);
      await audit(trx, this.ctx.clock, v.actor, { action: 'support.case.update', entityType: 'support_case', entityId: id, before: caseAudit(before), after: caseAudit(row) });
      await this.writeMailsNamed(trx, mails, row, names);
      await bumpVersion(trx, this.ctx.clock, SCOPE);
    });
    return this.getCase(user, id);
  }

  async addMessage(user: AuthUser | null, id: number, input: { body?: string | null; internal?: boolean }, files: UploadedFile[] = [], requestId?: string): Promise<CaseDetail> {
    const v = await this.viewer(user, requestId);
    const before = await this.visibleCase(v, id);
    if (input.internal && !v.staff) throw forbiddenFields(['internal']);
    if (before.status === 'closed') throw new SupportError('conflict', 'support.err.closed', [problem('body', 'support.err.closed')]);
    const problems: FieldProblem[] = [];
    const body = clean(input.body);
    if (!body && !files.length) problems.push(problem('body', 'support.err.required'));
    else if (body && body.length > 20000) problems.push(problem('body', 'support.err.tooLong', { max: 20000 }));
    const checked = await this.checkFiles(files, problems);
    if (problems.length) throw invalid(problems);

    const internal = !!input.internal;
    const next = statusAfterMessage(before.status as Status, v.staff, internal);
    const mails = internal ? [] : await this.mailsFor(v.staff ? 'staff-message' : 'company-message', v.staff ? 'company' : 'staff', before, v.user.id);
    const names = await this.companyNames(before.company_id);
    const now = this.now();
    await this.db.transaction().execute(async (trx) => {
      const message = await store.insertMessage(trx, { case_id: id, author_id: v.user.id, author_name: v.user.displayName, author_role: v.staff ? 'staff' : 'company', body: body ?? '', internal: internal ? 1 : 0, created_at: now });
      const stored = [];
      for (const f of checked) stored.push(await this.storeAttachment(trx, id, message.id, f, v, now));
      const row = await store.updateCase(trx, id, { updated_at: now, ...(next ? { status: next, status_changed_at: now, closed_at: null } : {}) });
      if (next) await this.event(trx, id, v, 'status', before.status, next);
      await audit(trx, this.ctx.clock, v.actor, {
        action: 'support.message.create',
        entityType: 'support_case',
        entityId: id,
        // The text itself stays in the case (it may hold personal details); the log says that it was written.
        after: { messageId: message.id, internal, bodyLength: body?.length ?? 0, attachments: stored.map(attachmentAudit), ...(next ? { status: { from: before.status, to: next } } : {}) },
      });
      await this.writeMailsNamed(trx, mails, row, names);
      await bumpVersion(trx, this.ctx.clock, SCOPE);
    });
    return this.getCase(user, id);
  }

  /** Attach a document to a case (optionally to one of its messages). */
  async addAttachment(user: AuthUser | null, id: number, file: UploadedFile | undefined, messageId: number | null, requestId?: string): Promise<AttachmentView> {
    const v = await this.viewer(user, requestId);
    const before = await this.visibleCase(v, id);
    if (before.status === 'closed') throw new SupportError('conflict', 'support.err.closed', [problem('file', 'support.err.closed')]);
    const problems: FieldProblem[] = [];
    if (!file) problems.push(problem('file', 'support.err.fileMissing'));
    if (messageId !== null) {
      const m = await store.messageInCase(this.db, id, messageId);
      if (!m || (m.internal && !v.staff)) problems.push(problem('messageId', 'support.err.message'));
    }
    const checked = file ? await this.checkFiles([file], problems) : [];
    if (problems.length) throw invalid(problems);
    const mails = v.staff ? [] : await this.mailsFor('company-message', 'staff', before, v.user.id);
    const names = await this.companyNames(before.company_id);
    const now = this.now();
    const meta = await this.db.transaction().execute(async (trx) => {
      const a = await this.storeAttachment(trx, id, messageId, checked[0]!, v, now);
      const row = await store.updateCase(trx, id, { updated_at: now });
      await audit(trx, this.ctx.clock, v.actor, { action: 'support.attachment.create', entityType: 'support_case', entityId: id, after: attachmentAudit(a) });
      await this.writeMailsNamed(trx, mails, row, names);
      await bumpVersion(trx, this.ctx.clock, SCOPE);
      return a;
    });
    const users = await store.users(this.db, [v.user.id]);
    const u = users.get(v.user.id);
    return { id: meta.id, messageId: meta.message_id, filename: meta.filename, format: meta.format, mimetype: meta.mimetype, size: Number(meta.size), uploadedBy: u ? { id: u.id, name: u.display_name } : null, createdAt: meta.created_at };
  }

  /** The decrypted document; every download is logged (who, when, which file, through what). */
  async download(user: AuthUser | null, caseId: number, attachmentId: number, via: 'page' | 'api', requestId?: string): Promise<{ filename: string; mimetype: string; bytes: Buffer }> {
    const v = await this.viewer(user, requestId);
    await this.visibleCase(v, caseId);
    const a = Number.isSafeInteger(attachmentId) && attachmentId > 0 ? await store.attachment(this.db, caseId, attachmentId) : undefined;
    if (!a) throw new SupportError('not-found', 'support.err.attachmentNotFound');
    if (!v.staff && a.message_id !== null && (await store.messageInCase(this.db, caseId, a.message_id))?.internal) throw new SupportError('not-found', 'support.err.attachmentNotFound');
    const bytes = decrypt(this.attachmentKey, caseId, Buffer.from(a.content), a.key_id);
    await store.logDownload(this.db, { attachment_id: a.id, case_id: caseId, user_id: v.user.id, user_label: v.actor.label, via, request_id: requestId ?? null, at: this.now() });
    return { filename: a.filename, mimetype: a.mimetype, bytes };
  }

  async downloads(user: AuthUser | null, caseId: number): Promise<DownloadView[]> {
    const v = await this.viewer(user);
    this.requireStaff(v);
    const detail = await this.getCase(user, caseId);
    return detail.downloads ?? [];
  }

  // -------------------------------------------------------------------------------------------
  // People a case concerns

  private async writablePersonCase(v: Viewer, caseId: number): Promise<CaseRow> {
    const row = await this.visibleCase(v, caseId);
    if (row.status === 'closed') throw new SupportError('conflict', 'support.err.closed', [problem('fullName', 'support.err.closed')]);
    return row;
  }

  async addPerson(user: AuthUser | null, caseId: number, input: PersonInput, requestId?: string): Promise<PersonView> {
    const v = await this.viewer(user, requestId);
    await this.writablePersonCase(v, caseId);
    const problems: FieldProblem[] = [];
    this.checkPerson(input, '', problems);
    if (problems.length) throw invalid(problems);
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      const row = await store.insertPerson(trx, { case_id: caseId, ...this.personColumns(input), created_at: now, updated_at: now });
      await store.updateCase(trx, caseId, { updated_at: now });
      await audit(trx, this.ctx.clock, v.actor, { action: 'support.person.create', entityType: 'support_case', entityId: caseId, after: toPerson(row) });
      await bumpVersion(trx, this.ctx.clock, SCOPE);
      return toPerson(row);
    });
  }

  async updatePerson(user: AuthUser | null, caseId: number, personId: number, input: Partial<PersonInput>, requestId?: string): Promise<PersonView> {
    const v = await this.viewer(user, requestId);
    await this.writablePersonCase(v, caseId);
    const before = await store.person(this.db, caseId, personId);
    if (!before) throw new SupportError('not-found', 'support.err.personNotFound');
    const merged: PersonInput = { ...toPerson(before), ...Object.fromEntries(Object.entries(input).filter(([, x]) => x !== undefined)) } as PersonInput;
    const problems: FieldProblem[] = [];
    this.checkPerson(merged, '', problems);
    if (problems.length) throw invalid(problems);
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      const row = await store.updatePerson(trx, personId, { ...this.personColumns(merged), updated_at: now });
      await store.updateCase(trx, caseId, { updated_at: now });
      await audit(trx, this.ctx.clock, v.actor, { action: 'support.person.update', entityType: 'support_case', entityId: caseId, before: toPerson(before), after: toPerson(row) });
      await bumpVersion(trx, this.ctx.clock, SCOPE);
      return toPerson(row);
    });
  }

  async removePerson(user: AuthUser | null, caseId: number, personId: number, requestId?: string): Promise<void> {
    const v = await this.viewer(user, requestId);
    await this.visibleCase(v, caseId);
    const before = await store.person(this.db, caseId, personId);
    if (!before) throw new SupportError('not-found', 'support.err.personNotFound');
    const now = this.now();
    await this.db.transaction().execute(async (trx) => {
      await store.deletePerson(trx, personId);
      await store.updateCase(trx, caseId, { updated_at: now });
      await audit(trx, this.ctx.clock, v.actor, { action: 'support.person.delete', entityType: 'support_case', entityId: caseId, before: toPerson(before) });
      await bumpVersion(trx, this.ctx.clock, SCOPE);
    });
  }

  // -------------------------------------------------------------------------------------------
  // Export (staff): cases without any personal data

  async exportCsv(user: AuthUser | null, filter: CaseFilter = {}): Promise<string> {
    const v = await this.viewer(user);
    this.requireStaff(v);
    const rows = await store.cases(this.db, { ...filter, today: todayInJapan(this.ctx.clock.now()) }, { limit: 50_000, offset: 0 });
    const summaries = await this.summaries(rows);
    const counts = await store.counts(this.db, rows.map((r) => r.id));
    const header = ['id', 'company_id', 'company_name_en', 'company_name_ja', 'kind', 'title', 'status', 'assignee', 'due_date', 'overdue', 'created_at', 'updated_at', 'closed_at', 'messages', 'attachments', 'persons', 'personal_data_purged_at'];
    const lines = [header.map(csvCell).join(',')];
    for (const s of summaries) {
      const n = counts.get(s.id) ?? { messages: 0, attachments: 0, persons: 0 };
      lines.push(
        [s.id, s.company.id, s.company.name.en, s.company.name.ja, s.kind, s.title, s.status, s.assignee?.name ?? '', s.dueDate ?? '', s.overdue ? 'yes' : 'no', s.createdAt, s.updatedAt, s.closedAt ?? '', n.messages, n.attachments, n.persons, s.personalDataPurgedAt ?? '']
          .map(csvCell)
          .join(','),
      );
    }
    // A BOM, so spreadsheet programs read the Japanese names as UTF-8.
    return '\uFEFF' + lines.join('\r\n') + '\r\n';
  }

  // -------------------------------------------------------------------------------------------
  // Retention

  /**
   * Delete the personal data (people and documents) of cases closed more than SUPPORT_RETENTION_DAYS
   * ago. The case, its thread and its history stay; each deletion is audited with counts, never data.
   */
  async purge(actor: Actor = systemActor('support-purge')): Promise<{ cases: number; persons: number; attachments: number; caseIds: number[] }> {
    const days = this.ctx.config.supportRetentionDays;
    const cutoff = new Date(this.ctx.clock.now().getTime() - days * 86400_000).toISOString();
    const total = { cases: 0, persons: 0, attachments: 0, caseIds: [] as number[] };
    for (;;) {
      const batch = await store.purgeable(this.db, cutoff, 100);
      if (!batch.length) break;
      for (const c of batch) {
        const now = this.now();
        const done = await this.db.transaction().execute(async (trx) => {
          const current = await store.caseById(trx, c.id);
          // Reopened, or purged by another process, since the batch was read.
          if (!current || current.status !== 'closed' || current.personal_data_purged_at !== null || current.closed_at === null || current.closed_at > cutoff) return null;
          const n = await store.deletePersonalData(trx, c.id);
          await store.updateCase(trx, c.id, { personal_data_purged_at: now, updated_at: now });
          await store.insertEvent(trx, { case_id: c.id, kind: 'purged', from_value: null, to_value: null, actor_id: actor.id, actor_label: actor.label, at: now });
          await audit(trx, this.ctx.clock, actor, {
            action: 'support.case.purge-personal-data',
            entityType: 'support_case',
            entityId: c.id,
            after: { closedAt: current.closed_at, retentionDays: days, personsDeleted: n.persons, attachmentsDeleted: n.attachments },
          });
          await bumpVersion(trx, this.ctx.clock, SCOPE);
          return n;
        });
        if (done) {
          total.cases++;
          total.persons += done.persons;
          total.attachments += done.attachments;
          total.caseIds.push(c.id);
        }
      }
      if (batch.length < 100) break;
    }
    return total;
  }

  /** The purge under a lease, so of several processes only one runs it at a time. Null when another holds it. */
  async purgeOnce(owner: string, actor?: Actor): Promise<Awaited<ReturnType<SupportService['purge']>> | null> {
    const name = 'support.purge';
    if (!(await leases.take(this.db, this.ctx.clock, name, owner, 15 * 60_000))) return null;
    try {
      return await this.purge(actor);
    } finally {
      await leases.release(this.db, name, owner);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Outbox (staff)

  async outbox(user: AuthUser | null, q: { status?: MailStatus; limit?: number; offset?: number }): Promise<{ total: number; counts: Record<MailStatus, number>; items: OutboxEntry[]; smtpConfigured: boolean }> {
    const v = await this.viewer(user);
    this.requireStaff(v);
    return { ...(await listOutbox(this.db, q)), smtpConfigured: this.ctx.config.smtpUrl !== null };
  }

  async retryMail(user: AuthUser | null, id: number, requestId?: string): Promise<OutboxEntry> {
    const v = await this.viewer(user, requestId);
    this.requireStaff(v);
    return this.db.transaction().execute(async (trx) => {
      const before = await getOutboxEntry(trx, id);
      if (!before) throw new SupportError('not-found', 'support.err.mailNotFound');
      if (!(await requeue(trx, id, this.ctx.clock))) throw new SupportError('conflict', 'support.err.mailNotFailed', [problem('id', 'support.err.mailNotFailed')]);
      await audit(trx, this.ctx.clock, v.actor, { action: 'mail.requeue', entityType: 'mail_outbox', entityId: id, before: { status: before.status, attempts: before.attempts, lastError: before.lastError }, after: { status: 'pending', attempts: 0 } });
      return (await getOutboxEntry(trx, id))!;
    });
  }

  // -------------------------------------------------------------------------------------------
  // Guides

  private async guideViews(rows: GuideRow[]): Promise<GuideView[]> {
    const cats = await store.guideCategories(this.db, rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      title: { ja: r.title_ja, en: r.title_en },
      body: { ja: r.body_ja, en: r.body_en },
      categories: cats.get(r.id) ?? [],
      published: r.published === 1,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  /** Published guides for everyone; staff may ask for drafts too. */
  async listGuides(user: AuthUser | null, opts: { all?: boolean; kind?: Kind } = {}): Promise<GuideView[]> {
    const all = !!opts.all && isStaffUser(user);
    const views = await this.guideViews(await store.guides(this.db, !all));
    return opts.kind ? views.filter((g) => g.categories.includes(opts.kind!)) : views;
  }

  async getGuide(user: AuthUser | null, slug: string): Promise<GuideView> {
    const row = SLUG.test(slug) ? await store.guideBySlug(this.db, slug) : undefined;
    if (!row || (row.published !== 1 && !isStaffUser(user))) throw new SupportError('not-found', 'support.err.guideNotFound');
    return (await this.guideViews([row]))[0]!;
  }

  async getGuideById(user: AuthUser | null, id: number): Promise<GuideView> {
    const v = await this.viewer(user);
    this.requireStaff(v);
    const row = Number.isSafeInteger(id) && id > 0 ? await store.guideById(this.db, id) : undefined;
    if (!row) throw new SupportError('not-found', 'support.err.guideNotFound');
    return (await this.guideViews([row]))[0]!;
  }

  private checkGuide(g: Partial<GuideInput>, problems: FieldProblem[]): void {
    if (!g.slug || !SLUG.test(g.slug) || g.slug.length > 80) problems.push(problem('slug', 'support.err.slug'));
    for (const [k, max] of [
      ['titleJa', 200],
      ['titleEn', 200],
      ['bodyJa', 50000],
      ['bodyEn', 50000],
    ] as const) {
      const val = clean(g[k]);
      if (!val) problems.push(problem(k, 'support.err.required'));
      else if (val.length > max) problems.push(problem(k, 'support.err.tooLong', { max }));
    }
    for (const c of g.categories ?? []) if (!isKind(c)) problems.push(problem('categories', 'support.err.kind'));
  }

  async createGuide(user: AuthUser | null, input: GuideInput, requestId?: string): Promise<GuideView> {
    const v = await this.viewer(user, requestId);
    this.requireStaff(v);
    const problems: FieldProblem[] = [];
    this.checkGuide(input, problems);
    if (problems.length) throw invalid(problems);
    const now = this.now();
    const id = await this.db.transaction().execute(async (trx) => {
      if (await store.guideBySlug(trx, input.slug)) throw new SupportError('conflict', 'support.err.slugTaken', [problem('slug', 'support.err.slugTaken')]);
      const row = await store.insertGuide(trx, { slug: input.slug, title_ja: input.titleJa.trim(), title_en: input.titleEn.trim(), body_ja: input.bodyJa.trim(), body_en: input.bodyEn.trim(), published: input.published ? 1 : 0, created_at: now, updated_at: now, updated_by: v.user.id });
      const kinds = KINDS.filter((k) => (input.categories ?? []).includes(k));
      await store.setGuideCategories(trx, row.id, kinds);
      await audit(trx, this.ctx.clock, v.actor, { action: 'support.guide.create', entityType: 'support_guide', entityId: row.id, after: { ...guideAudit(row), categories: kinds } });
      await bumpVersion(trx, this.ctx.clock, SCOPE);
      return row.id;
    });
    return this.getGuideById(user, id);
  }

  async updateGuide(user: AuthUser | null, id: number, patch: Partial<GuideInput>, requestId?: string): Promise<GuideView> {
    const before = await this.getGuideById(user, id);
    const v = await this.viewer(user, requestId);
    const merged: GuideInput = {
      slug: patch.slug ?? before.slug,
      titleJa: patch.titleJa ?? before.title.ja,
      titleEn: patch.titleEn ?? before.title.en,
      bodyJa: patch.bodyJa ?? before.body.ja,
      bodyEn: patch.bodyEn ?? before.body.en,
      categories: patch.categories ?? before.categories,
      published: patch.published ?? before.published,
    };
    const problems: FieldProblem[] = [];
    this.checkGuide(merged, problems);
    if (problems.length) throw invalid(problems);
    const now = this.now();
    await this.db.transaction().execute(async (trx) => {
      const taken = await store.guideBySlug(trx, merged.slug);
      if (taken && taken.id !== id) throw new SupportError('conflict', 'support.err.slugTaken', [problem('slug', 'support.err.slugTaken')]);
      const row = await store.updateGuide(trx, id, { slug: merged.slug, title_ja: merged.titleJa.trim(), title_en: merged.titleEn.trim(), body_ja: merged.bodyJa.trim(), body_en: merged.bodyEn.trim(), published: merged.published ? 1 : 0, updated_at: now, updated_by: v.user.id });
      const kinds = KINDS.filter((k) => (merged.categories ?? []).includes(k));
      await store.setGuideCategories(trx, id, kinds);
      await audit(trx, this.ctx.clock, v.actor, { action: 'support.guide.update', entityType: 'support_guide', entityId: id, before: { slug: before.slug, title: before.title, published: before.published, categories: before.categories }, after: { ...guideAudit(row), categories: kinds } });
      await bumpVersion(trx, this.ctx.clock, SCOPE);
    });
    return this.getGuideById(user, id);
  }

  async deleteGuide(user: AuthUser | null, id: number, requestId?: string): Promise<void> {
    const before = await this.getGuideById(user, id);
    const v = await this.viewer(user, requestId);
    await this.db.transaction().execute(async (trx) => {
      await store.deleteGuide(trx, id);
      await audit(trx, this.ctx.clock, v.actor, { action: 'support.guide.delete', entityType: 'support_guide', entityId: id, before: { slug: before.slug, title: before.title, published: before.published, categories: before.categories } });
      await bumpVersion(trx, this.ctx.clock, SCOPE);
    });
  }

  // -------------------------------------------------------------------------------------------
  // The companies registry's hooks

  /** Move every case of the gone company to the survivor (inside the merge's transaction). */
  async onCompanyMerge(trx: Trx, e: CompanyMergeEvent): Promise<void> {
    const moved = await trx.updateTable('support_cases').set({ company_id: e.intoId }).where('company_id', '=', e.fromId).returning('id').execute();
    if (!moved.length) return;
    await audit(trx, this.ctx.clock, e.actor, { action: 'support.case.company-moved', entityType: 'company', entityId: e.intoId, before: { companyId: e.fromId }, after: { companyId: e.intoId, caseIds: moved.map((m) => m.id) } });
    await bumpVersion(trx, this.ctx.clock, SCOPE);
  }

  /** Events of the company's cases for its history page: opened, and each status reached. */
  async timeline(db: Db, companyId: number): Promise<Array<{ caseId: number; kind: string; status: string | null; at: string; caseKind: string }>> {
    const rows = await store.companyEvents(db, companyId);
    return rows.map((r) => ({ caseId: r.case_id, kind: r.kind, status: r.to_value, at: r.at, caseKind: r.case_kind }));
  }
}

function caseNotFoundForCompany(): SupportError {
  // A member naming another company's id learns nothing about it.
  return new SupportError('forbidden', 'support.err.otherCompany', [problem('companyId', 'support.err.otherCompany')]);
}

export function toPerson(r: PersonRow): PersonView {
  return {
    id: r.id,
    fullName: r.full_name,
    nationality: r.nationality,
    passportNumber: r.passport_number,
    residenceCardNumber: r.residence_card_number,
    dateOfBirth: r.date_of_birth,
    homeAddress: r.home_address,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const caseAudit = (r: CaseRow) => ({ id: r.id, companyId: r.company_id, kind: r.kind, title: r.title, status: r.status, assigneeId: r.assignee_id, dueDate: r.due_date, closedAt: r.closed_at });
const attachmentAudit = (a: AttachmentMetaRow) => ({ id: a.id, messageId: a.message_id, documentName: a.filename, format: a.format, size: Number(a.size) });
const guideAudit = (r: GuideRow) => ({ id: r.id, slug: r.slug, title: { ja: r.title_ja, en: r.title_en }, published: r.published === 1 });

/** A CSV cell: quoted when needed, and a leading = + - @ neutralised so a spreadsheet never runs it as a formula. */
export function csvCell(v: string | number): string {
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
