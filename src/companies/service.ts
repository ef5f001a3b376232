import { sql } from 'kysely';
import type { AppContext } from '../core/context.js';
import type { Trx } from '../core/db/index.js';
import { audit, registerPersonalKeys, type Actor } from '../core/audit.js';
import { bumpVersion } from '../core/versions.js';
import { DomainError, validation, type FieldProblem } from '../core/errors.js';
import { bigramPhrases, bigrams, indexText, normalize } from '../core/search/text.js';
import { cleanCorporateNumber, isValidCorporateNumber } from './corporate-number.js';
import { nameKey } from './names.js';
import { companiesStore as store, type CompanyRow } from './store.js';
import { searchText, toKatakana, validateCompany, type CompanyColumns } from './validate.js';
import { bilingual, companiesMessages } from './messages.js';
import { MERGE_HOOK, TIMELINE_HOOK, type Company, type CompanyContact, type CompanyInput, type CompanySearchQuery, type ContactInput, type TimelineEvent } from './types.js';

/** Data-version scope bumped by every write to the registry. */
export const SCOPE = 'companies';

// A contact's name is personal data; audit entries carry it under this key so it is redacted.
registerPersonalKeys('contactName');

export function toCompany(r: CompanyRow): Company {
  return {
    id: r.id,
    corporateNumber: r.corporate_number,
    nameJa: r.name_ja,
    nameEn: r.name_en,
    kana: r.kana,
    country: r.country,
    registeredInTokyo: r.registered_in_tokyo === 1,
    lgCode: r.lg_code,
    jsicMajor: r.jsic_major,
    jsicDivision: r.jsic_division,
    employees: r.employees === null ? null : Number(r.employees),
    capitalYen: r.capital_yen === null ? null : Number(r.capital_yen),
    postalCode: r.postal_code,
    addressJa: r.address_ja,
    addressEn: r.address_en,
    website: r.website,
    summary: r.summary,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    mergedInto: r.merged_into,
  };
}

function toContact(r: { id: number; company_id: number; name: string; email: string | null; phone: string | null; role: string | null; created_at: string; updated_at: string }): CompanyContact {
  return { id: r.id, companyId: r.company_id, name: r.name, email: r.email, phone: r.phone, role: r.role, createdAt: r.created_at, updatedAt: r.updated_at };
}

/** The audit view of a contact: the name under a personal key. */
const contactAudit = (c: CompanyContact) => ({ id: c.id, companyId: c.companyId, contactName: c.name, email: c.email, phone: c.phone, role: c.role });

/** Encoded bigram document of a company's names (computed before any transaction opens). */
export function searchDoc(c: Pick<CompanyColumns, 'name_ja' | 'name_en' | 'kana'>): string {
  const grams = bigrams(searchText(c));
  // Each character once more as a word of its own, after the bigrams: a one-character query (桜) finds it.
  const chars = new Set<string>();
  for (const g of grams) for (const ch of g) chars.add(ch);
  return indexText([...grams, ...chars]);
}

const MAX_QUERY = 100;
const MAX_LIMIT = 100;

export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e?.message ?? '');
}

const numberTaken = (n: string, id: number | undefined) =>
  new DomainError(
    'conflict',
    `corporate number ${n} is already registered${id ? ` (company ${id})` : ''}`,
    [{ field: 'corporateNumber', message: id ? `already registered to company ${id}` : 'already registered', key: 'companies.error.corporateNumberTaken', params: { id: id ?? '' } }],
    id ? { companyId: id } : {},
  );

export class CompaniesService {
  constructor(private readonly ctx: AppContext) {}

  private get db() {
    return this.ctx.db;
  }

  private inTrx<T>(trx: Trx | undefined, fn: (t: Trx) => Promise<T>): Promise<T> {
    return trx ? fn(trx) : this.db.transaction().execute(fn);
  }

  /** The company, following merges to the survivor. Throws not-found. */
  async get(id: number): Promise<Company> {
    const row = await this.resolveRow(id);
    if (!row) throw new DomainError('not-found', `company ${id} not found`);
    return toCompany(row);
  }

  /** The stored row of id, or of the company it was merged into. */
  private async resolveRow(id: number, db = this.db as Trx | typeof this.db): Promise<CompanyRow | undefined> {
    if (!Number.isSafeInteger(id) || id < 1) return undefined;
    let row = await store.byId(db, id);
    // Chains are flattened on merge, so this loops once; the bound guards against a hand-edited cycle.
    for (let hops = 0; row?.merged_into != null && hops < 10; hops++) row = await store.byId(db, row.merged_into);
    return row;
  }

  /** Companies by id, each key mapped to its surviving company; unknown ids are left out. */
  async getMany(ids: number[]): Promise<Map<number, Company>> {
    const wanted = [...new Set(ids.filter((i) => Number.isSafeInteger(i) && i > 0))];
    const out = new Map<number, Company>();
    const rows = new Map<number, CompanyRow>();
    for (let i = 0; i < wanted.length; i += 500) for (const r of await store.byIds(this.db, wanted.slice(i, i + 500))) rows.set(r.id, r);
    const survivors = [...new Set([...rows.values()].filter((r) => r.merged_into !== null).map((r) => r.merged_into!))].filter((id) => !rows.has(id));
    for (const r of await store.byIds(this.db, survivors)) rows.set(r.id, r);
    for (const id of wanted) {
      let r = rows.get(id);
      for (let hops = 0; r?.merged_into != null && hops < 10; hops++) r = rows.get(r.merged_into) ?? (await store.byId(this.db, r.merged_into));
      if (r) out.set(id, toCompany(r));
    }
    return out;
  }

  /** Where a company id leads: itself, the survivor it was merged into, or nowhere. */
  async locate(id: number): Promise<{ status: 'live'; company: Company } | { status: 'merged'; company: Company } | { status: 'missing' }> {
    const own = Number.isSafeInteger(id) && id > 0 ? await store.byId(this.db, id) : undefined;
    if (!own) return { status: 'missing' };
    if (own.merged_into === null) return { status: 'live', company: toCompany(own) };
    const survivor = await this.resolveRow(id);
    return survivor ? { status: 'merged', company: toCompany(survivor) } : { status: 'missing' };
  }

  /** Check an input without writing (forms re-render with these problems). */
  check(input: Partial<CompanyInput>, previous?: CompanyColumns): { columns: CompanyColumns; problems: FieldProblem[] } {
    return validateCompany(input, previous);
  }

  /** Live companies whose normalized name equals one of the input's names. */
  async nearDuplicates(input: Pick<CompanyInput, 'nameJa' | 'nameEn'>, excludeId?: number): Promise<Company[]> {
    const keys = [...new Set([nameKey(input.nameJa), nameKey(input.nameEn)].filter((k): k is string => !!k))];
    return (await store.nearDuplicates(this.db, keys, excludeId)).map(toCompany);
  }

  async create(actor: Actor, input: CompanyInput, trx?: Trx): Promise<{ company: Company; nearDuplicates: Company[] }> {
    const { columns, problems } = validateCompany(input);
    if (problems.length) throw validation(problems, 'The company is not valid');
    const doc = searchDoc(columns);
    const keys = [columns.name_key_ja, columns.name_key_en].filter((k): k is string => !!k);
    const now = this.ctx.clock.now().toISOString();
    try {
      return await this.inTrx(trx, async (t) => {
        if (columns.corporate_number) {
          const taken = await store.byCorporateNumber(t, columns.corporate_number);
          if (taken) throw numberTaken(columns.corporate_number, taken.id);
        }
        const row = await store.insert(t, { ...columns, created_at: now, updated_at: now, merged_into: null, merged_at: null });
        await store.writeSearch(t, this.ctx.dialect, row.id, doc);
        const near = await store.nearDuplicates(t, keys, row.id);
        const company = toCompany(row);
        await audit(t, this.ctx.clock, actor, { action: 'company.create', entityType: 'company', entityId: row.id, after: company });
        await bumpVersion(t, this.ctx.clock, SCOPE);
        return { company, nearDuplicates: near.map(toCompany) };
      });
    } catch (err) {
      // A concurrent insert won the race for the number (the transaction is gone; look it up when it was ours).
      if (isUniqueViolation(err) && columns.corporate_number) throw numberTaken(columns.corporate_number, trx ? undefined : (await store.byCorporateNumber(this.db, columns.corporate_number))?.id);
      throw err;
    }
  }

  async update(actor: Actor, id: number, patch: Partial<CompanyInput>, trx?: Trx): Promise<Company> {
    const before = Number.isSafeInteger(id) && id > 0 ? await store.byId(trx ?? this.db, id) : undefined;
    if (!before) throw new DomainError('not-found', `company ${id} not found`);
    if (before.merged_into !== null) throw new DomainError('conflict', `company ${id} was merged into company ${before.merged_into}; change that one`, [{ field: 'id', message: `merged into ${before.merged_into}`, key: 'companies.error.merged', params: { id: before.merged_into } }], { mergedInto: before.merged_into });
    const { columns, problems } = validateCompany(patch, before);
    if (problems.length) throw validation(problems, 'The company is not valid');
    const changed = (Object.keys(columns) as (keyof CompanyColumns)[]).filter((k) => columns[k] !== before[k] && !(columns[k] == null && before[k] == null) && String(columns[k]) !== String(before[k]));
    if (!changed.length) return toCompany(before);
    const doc = searchDoc(columns);
    const now = this.ctx.clock.now().toISOString();
    try {
      return await this.inTrx(trx, async (t) => {
        if (columns.corporate_number && columns.corporate_number !== before.corporate_number) {
          const taken = await store.byCorporateNumber(t, columns.corporate_number);
          if (taken && taken.id !== id) throw numberTaken(columns.corporate_number, taken.id);
        }
        const row = await store.update(t, id, { ...columns, updated_at: now });
        if (changed.some((k) => k === 'name_ja' || k === 'name_en' || k === 'kana')) await store.writeSearch(t, this.ctx.dialect, id, doc);
        const company = toCompany(row);
        await audit(t, this.ctx.clock, actor, { action: 'company.update', entityType: 'company', entityId: id, before: toCompany(before), after: company });
        await bumpVersion(t, this.ctx.clock, SCOPE);
        return company;
      });
    } catch (err) {
      // A concurrent insert won the race for the number (the transaction is gone; look it up when it was ours).
      if (isUniqueViolation(err) && columns.corporate_number) throw numberTaken(columns.corporate_number, trx ? undefined : (await store.byCorporateNumber(this.db, columns.corporate_number))?.id);
      throw err;
    }
  }

  /** Search live companies: partial names (bigram index), 法人番号, industry, country, Tokyo; paged. */
  async search(q: CompanySearchQuery): Promise<{ total: number; items: Company[] }> {
    return this.runSearch(q, MAX_LIMIT);
  }

  /** The same search for a download: up to `max` rows in one go. */
  async searchForExport(q: Omit<CompanySearchQuery, 'limit' | 'offset'>, max: number): Promise<{ total: number; items: Company[] }> {
    return this.runSearch({ ...q, limit: max, offset: 0 }, max);
  }

  private async runSearch(q: CompanySearchQuery, maxLimit: number): Promise<{ total: number; items: Company[] }> {
    const limit = Math.min(Math.max(Math.trunc(q.limit ?? 20), 1), maxLimit);
    const offset = Math.max(Math.trunc(q.offset ?? 0), 0);
    const problems: FieldProblem[] = [];
    let corporateNumber: string | undefined;
    let corporateNumberPrefix: string | undefined;
    const byNumber = (raw: string, field: string) => {
      const n = cleanCorporateNumber(raw);
      if (!/^\d{1,13}$/.test(n)) problems.push({ field, message: 'must be the digits of a corporate number' });
      else if (n.length === 13) corporateNumber = n;
      else corporateNumberPrefix = n;
    };
    if (q.corporateNumber?.trim()) byNumber(q.corporateNumber, 'corporateNumber');
    let phrases: string[][] | undefined;
    let exactKey: string | null = null;
    const text = q.text?.trim();
    if (text) {
      if (text.length > MAX_QUERY) problems.push({ field: 'text', message: `must be at most ${MAX_QUERY} characters` });
      const digits = cleanCorporateNumber(text);
      // A 法人番号 typed into the name box searches by number.
      if (/^\d{13}$/.test(digits) && isValidCorporateNumber(digits)) corporateNumber = digits;
      else {
        phrases = bigramPhrases(toKatakana(text)).slice(0, 10);
        exactKey = nameKey(text);
        if (!phrases.length) return { total: 0, items: [] };
      }
    }
    if (problems.length) throw validation(problems);
    const { total, rows } = await store.search(this.db, this.ctx.dialect, {
      phrases,
      exactKey,
      corporateNumber,
      corporateNumberPrefix,
      jsicMajor: q.jsicMajor?.toUpperCase() || undefined,
      jsicDivision: q.jsicDivision || undefined,
      country: q.country?.toUpperCase() || undefined,
      registeredInTokyo: q.registeredInTokyo,
      limit,
      offset,
    });
    return { total, items: rows.map(toCompany) };
  }

  /**
   * Merge goneId into keepId: every module's 'companies.merge' hook and the registry's own changes
   * run in one transaction (a failing hook undoes them all). The kept company takes the gone one's
   * values where its own are empty, and its contacts; the gone id redirects to the survivor.
   */
  async merge(actor: Actor, keepId: number, goneId: number): Promise<Company> {
    if (keepId === goneId) throw validation([{ field: 'from', message: 'a company cannot be merged into itself', key: 'companies.error.mergeSelf' }]);
    const now = this.ctx.clock.now().toISOString();
    return this.db.transaction().execute(async (t) => {
      const keep = await store.byId(t, keepId);
      const gone = await store.byId(t, goneId);
      if (!keep) throw new DomainError('not-found', `company ${keepId} not found`);
      if (!gone) throw validation([{ field: 'from', message: `company ${goneId} not found`, key: 'companies.error.mergeMissing', params: { id: goneId } }]);
      if (keep.merged_into !== null) throw new DomainError('conflict', `company ${keepId} was itself merged into ${keep.merged_into}`, [{ field: 'id', message: `merged into ${keep.merged_into}`, key: 'companies.error.merged', params: { id: keep.merged_into } }]);
      if (gone.merged_into !== null) throw new DomainError('conflict', `company ${goneId} was already merged into ${gone.merged_into}`, [{ field: 'from', message: `already merged into ${gone.merged_into}`, key: 'companies.error.alreadyMerged', params: { id: gone.merged_into } }]);

      await this.ctx.hooks.run(MERGE_HOOK, t, { fromId: goneId, intoId: keepId, actor });

      // Fill the survivor's gaps from the gone company (the corporate number moves, so free it first).
      const fill: Partial<CompanyColumns> = {};
      const cols: (keyof CompanyColumns)[] = ['corporate_number', 'name_ja', 'name_en', 'kana', 'lg_code', 'jsic_major', 'jsic_division', 'employees', 'capital_yen', 'postal_code', 'address_ja', 'address_en', 'website', 'summary'];
      for (const k of cols) if (keep[k] === null && gone[k] !== null) (fill as Record<string, unknown>)[k] = gone[k];
      if (fill.jsic_division && keep.jsic_major && gone.jsic_major !== keep.jsic_major) delete fill.jsic_division;
      if (fill.name_ja !== undefined) fill.name_key_ja = gone.name_key_ja;
      if (fill.name_en !== undefined) fill.name_key_en = gone.name_key_en;
      // The survivor is in Tokyo when either record says so and the survivor's own office does not say otherwise.
      if (keep.registered_in_tokyo === 0 && gone.registered_in_tokyo === 1 && keep.lg_code === null) fill.registered_in_tokyo = 1;
      const merged = { ...keep, ...fill };
      fill.sort_key = normalize(merged.kana ?? merged.name_en ?? merged.name_ja ?? '');

      await store.update(t, goneId, { merged_into: keepId, merged_at: now, updated_at: now, corporate_number: fill.corporate_number ? null : gone.corporate_number });
      // Companies merged earlier into the gone one now point straight at the survivor.
      await t.updateTable('companies').set({ merged_into: keepId }).where('merged_into', '=', goneId).execute();
      const row = await store.update(t, keepId, { ...fill, updated_at: now });
      if (fill.name_ja !== undefined || fill.name_en !== undefined || fill.kana !== undefined) await store.writeSearch(t, this.ctx.dialect, keepId, searchDoc(row));
      await store.deleteSearch(t, this.ctx.dialect, goneId);
      await t.updateTable('company_contacts').set({ company_id: keepId }).where('company_id', '=', goneId).execute();

      const survivor = toCompany(row);
      const goneAfter = { ...toCompany(gone), mergedInto: keepId };
      await audit(t, this.ctx.clock, actor, { action: 'company.merge', entityType: 'company', entityId: keepId, before: { kept: toCompany(keep), gone: toCompany(gone) }, after: { kept: survivor, gone: goneAfter } });
      await audit(t, this.ctx.clock, actor, { action: 'company.merged-into', entityType: 'company', entityId: goneId, before: toCompany(gone), after: goneAfter });
      await bumpVersion(t, this.ctx.clock, SCOPE);
      return survivor;
    });
  }

  /**
   * The company's whole history, oldest first: the registry's own events (registered, updated,
   * merged) for it and every company merged into it, and what each module adds through the
   * 'companies.timeline' hook.
   */
  async timeline(companyId: number): Promise<TimelineEvent[]> {
    const company = await this.get(companyId);
    const ids = [company.id, ...(await store.mergedInto(this.db, company.id)).map((r) => r.id)];
    const rows = await this.db
      .selectFrom('audit_log')
      .select(['at', 'action', 'entity_id', 'before_json', 'after_json'])
      .where('entity_type', 'in', ['company', 'company_contact'])
      .where('entity_id', 'in', ids.map(String))
      .orderBy('at')
      .orderBy('id')
      .execute();
    const events: TimelineEvent[] = [];
    const nameOf = (c: { nameJa?: string | null; nameEn?: string | null } | undefined) => c?.nameJa ?? c?.nameEn ?? '';
    for (const r of rows) {
      const after = r.after_json ? (JSON.parse(r.after_json) as Record<string, any>) : undefined;
      const before = r.before_json ? (JSON.parse(r.before_json) as Record<string, any>) : undefined;
      const href = `/companies/${company.id}`;
      switch (r.action) {
        case 'company.create':
          events.push({ at: r.at, module: 'companies', kind: 'created', title: bilingual('companies.timeline.created'), href });
          break;
        case 'company.update': {
          const fields = Object.keys(after ?? {}).filter((k) => k !== 'updatedAt' && JSON.stringify(after?.[k]) !== JSON.stringify(before?.[k]));
          const ja = bilingual('companies.timeline.updated', { fields: fields.map((f) => fieldLabel(f, 'ja')).join('、') }).ja;
          const en = bilingual('companies.timeline.updated', { fields: fields.map((f) => fieldLabel(f, 'en')).join(', ') }).en;
          events.push({ at: r.at, module: 'companies', kind: 'updated', title: { ja, en }, href });
          break;
        }
        case 'company.merge':
          if (Number(r.entity_id) === company.id || ids.includes(Number(r.entity_id))) {
            const gone = after?.gone as Record<string, any> | undefined;
            events.push({ at: r.at, module: 'companies', kind: 'merged', title: bilingual('companies.timeline.merged', { name: nameOf(gone), id: gone?.id ?? '' }), href });
          }
          break;
        case 'company.contact.add':
          events.push({ at: r.at, module: 'companies', kind: 'contact-added', title: bilingual('companies.timeline.contactAdded'), href });
          break;
        case 'company.contact.remove':
          events.push({ at: r.at, module: 'companies', kind: 'contact-removed', title: bilingual('companies.timeline.contactRemoved'), href });
          break;
        default:
          break;
      }
    }
    const req = { companyId: company.id, mergedIds: ids.slice(1), events: [] as TimelineEvent[] };
    await this.ctx.hooks.run(TIMELINE_HOOK, this.db, req);
    events.push(...req.events);
    return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  // Contacts (personal data: staff only; audited with the name and email redacted)

  async contacts(companyId: number): Promise<CompanyContact[]> {
    const c = await this.get(companyId);
    return (await store.contacts(this.db, c.id)).map(toContact);
  }

  private checkContact(input: ContactInput): { name: string; email: string | null; phone: string | null; role: string | null } {
    const problems: FieldProblem[] = [];
    const t = (v: string | null | undefined) => (v == null ? null : v.normalize('NFC').trim() || null);
    const name = t(input.name);
    const email = t(input.email)?.toLowerCase() ?? null;
    const phone = t(input.phone);
    const role = t(input.role);
    if (!name) problems.push({ field: 'name', message: 'is required', key: 'companies.error.contactName' });
    else if (name.length > 100) problems.push({ field: 'name', message: 'must be at most 100 characters', key: 'companies.error.tooLong', params: { max: 100 } });
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) problems.push({ field: 'email', message: 'must be an email address', key: 'companies.error.email' });
    if (phone && !/^\+?[0-9()\-\s]{6,24}$/.test(phone.normalize('NFKC'))) problems.push({ field: 'phone', message: 'must be a phone number (digits, spaces, hyphens, an optional leading +)', key: 'companies.error.phone' });
    if (role && role.length > 100) problems.push({ field: 'role', message: 'must be at most 100 characters', key: 'companies.error.tooLong', params: { max: 100 } });
    if (problems.length) throw validation(problems, 'The contact is not valid');
    return { name: name!, email, phone: phone ? phone.normalize('NFKC') : null, role };
  }

  async addContact(actor: Actor, companyId: number, input: ContactInput): Promise<CompanyContact> {
    const values = this.checkContact(input);
    const company = await this.live(companyId);
    const now = this.ctx.clock.now().toISOString();
    return this.db.transaction().execute(async (t) => {
      const c = toContact(await store.insertContact(t, { company_id: company.id, ...values, created_at: now, updated_at: now }));
      await audit(t, this.ctx.clock, actor, { action: 'company.contact.add', entityType: 'company', entityId: company.id, after: contactAudit(c) });
      await bumpVersion(t, this.ctx.clock, SCOPE);
      return c;
    });
  }

  async updateContact(actor: Actor, companyId: number, contactId: number, input: ContactInput): Promise<CompanyContact> {
    const values = this.checkContact(input);
    const before = await store.contact(this.db, contactId);
    const company = await this.live(companyId);
    if (!before || before.company_id !== company.id) throw new DomainError('not-found', `contact ${contactId} not found`);
    const now = this.ctx.clock.now().toISOString();
    return this.db.transaction().execute(async (t) => {
      const c = toContact(await store.updateContact(t, contactId, { ...values, updated_at: now }));
      await audit(t, this.ctx.clock, actor, { action: 'company.contact.update', entityType: 'company', entityId: company.id, before: contactAudit(toContact(before)), after: contactAudit(c) });
      await bumpVersion(t, this.ctx.clock, SCOPE);
      return c;
    });
  }

  async removeContact(actor: Actor, companyId: number, contactId: number): Promise<void> {
    const before = await store.contact(this.db, contactId);
    const company = await this.live(companyId);
    if (!before || before.company_id !== company.id) throw new DomainError('not-found', `contact ${contactId} not found`);
    await this.db.transaction().execute(async (t) => {
      await store.deleteContact(t, contactId);
      await audit(t, this.ctx.clock, actor, { action: 'company.contact.remove', entityType: 'company', entityId: company.id, before: contactAudit(toContact(before)) });
      await bumpVersion(t, this.ctx.clock, SCOPE);
    });
  }

  /** A company that has not been merged away (writes go to the survivor's own id). */
  private async live(id: number): Promise<Company> {
    const c = await this.get(id);
    if (c.id !== id) throw new DomainError('conflict', `company ${id} was merged into company ${c.id}; change that one`, [{ field: 'id', message: `merged into ${c.id}`, key: 'companies.error.merged', params: { id: c.id } }], { mergedInto: c.id });
    return c;
  }

  /** Raw count of live companies (the CLI and benchmarks report it). */
  async count(): Promise<number> {
    const r = await sql<{ n: number }>`select count(*) as n from companies where merged_into is null`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }
}

/** A field's label in a language (the timeline says which fields changed). */
function fieldLabel(field: string, lang: 'ja' | 'en'): string {
  const key = `companies.field.${field}` as keyof typeof companiesMessages.ja;
  return companiesMessages[lang][key] ?? field;
}
