import type { FieldProblem } from '../core/errors.js';
import { JAPANESE_SCRIPT } from '../core/i18n/index.js';
import { normalize } from '../core/search/text.js';
import { checkDigit, cleanCorporateNumber, corporateNumberProblem } from './corporate-number.js';
import { nameKey } from './names.js';
import { COUNTRIES, isValidLgCode, jsicDivision, jsicMajor, tokyoMunicipalityOf } from './reference.js';
import type { CompaniesTable } from './tables.js';
import type { CompanyInput } from './types.js';

/** The columns a company's input decides (everything but id, timestamps and merge state). */
export type CompanyColumns = Omit<CompaniesTable, 'id' | 'created_at' | 'updated_at' | 'merged_into' | 'merged_at'>;

const LIMITS = { name: 200, kana: 200, address: 300, website: 500, summary: 4000 } as const;

/** Hiragana folded to katakana, so さくら and サクラ are one kana. */
export function toKatakana(s: string): string {
  return s.replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
}

const KANA = /^[\p{Script=Katakana}ー・\s0-9A-Za-z&.,'()\-]+$/u;

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v).normalize('NFC').trim();
  return s.length ? s : null;
}

/**
 * Check and normalize a company's input. `previous` is the stored row on update: a field absent
 * from the input keeps its stored value; lgCode is re-derived from a changed Japanese address.
 */
export function validateCompany(input: Partial<CompanyInput>, previous?: CompanyColumns): { columns: CompanyColumns; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const bad = (field: string, message: string, key: string, params?: Record<string, string | number>) => problems.push({ field, message, key: `companies.error.${key}`, ...(params ? { params } : {}) });
  const has = (k: keyof CompanyInput) => Object.prototype.hasOwnProperty.call(input, k) && input[k] !== undefined;
  const pick = <K extends keyof CompanyInput>(k: K, col: keyof CompanyColumns) => (has(k) ? input[k] : previous ? previous[col] : undefined);

  // Corporate number
  let corporateNumber: string | null = null;
  const rawNumber = text(pick('corporateNumber', 'corporate_number'));
  if (rawNumber !== null) {
    corporateNumber = cleanCorporateNumber(rawNumber);
    const p = corporateNumberProblem(corporateNumber);
    if (p) bad('corporateNumber', p, /digits \(/.test(p) ? 'corporateNumberDigits' : /got/.test(p) ? 'corporateNumberLength' : 'corporateNumberCheck', { n: corporateNumber.length, digit: /^\d{13}$/.test(corporateNumber) ? checkDigit(corporateNumber.slice(1)) : '' });
  }

  // Names
  const nameJa = text(pick('nameJa', 'name_ja'));
  const nameEn = text(pick('nameEn', 'name_en'));
  if (!nameJa && !nameEn) {
    bad('nameJa', 'a company needs a Japanese or an English name', 'nameRequired');
    bad('nameEn', 'a company needs a Japanese or an English name', 'nameRequired');
  }
  if (nameJa && nameJa.length > LIMITS.name) bad('nameJa', `must be at most ${LIMITS.name} characters`, 'tooLong', { max: LIMITS.name });
  if (nameEn && nameEn.length > LIMITS.name) bad('nameEn', `must be at most ${LIMITS.name} characters`, 'tooLong', { max: LIMITS.name });
  if (nameEn && JAPANESE_SCRIPT.test(nameEn)) bad('nameEn', 'must be written in Latin letters (put the Japanese name in nameJa)', 'latin');
  if (nameJa && !nameKey(nameJa)) bad('nameJa', 'must contain more than a legal form such as 株式会社', 'formOnly');
  if (nameEn && !nameKey(nameEn)) bad('nameEn', 'must contain more than a legal form such as Co., Ltd.', 'formOnly');

  let kana = text(pick('kana', 'kana'));
  if (kana !== null) {
    kana = toKatakana(kana.normalize('NFKC'));
    if (kana.length > LIMITS.kana) bad('kana', `must be at most ${LIMITS.kana} characters`, 'tooLong', { max: LIMITS.kana });
    else if (!KANA.test(kana)) bad('kana', 'must be written in kana (katakana or hiragana)', 'kana');
  }

  // Country
  const country = text(pick('country', 'country'))?.toUpperCase() ?? null;
  if (!country) bad('country', 'is required (ISO 3166-1 alpha-2, e.g. JP)', 'countryRequired');
  else if (!COUNTRIES.has(country)) bad('country', `"${country}" is not an ISO 3166-1 alpha-2 country code`, 'country', { code: country });

  // Address, municipality, Tokyo
  const addressJa = text(pick('addressJa', 'address_ja'));
  const addressEn = text(pick('addressEn', 'address_en'));
  if (addressJa && addressJa.length > LIMITS.address) bad('addressJa', `must be at most ${LIMITS.address} characters`, 'tooLong', { max: LIMITS.address });
  if (addressEn && addressEn.length > LIMITS.address) bad('addressEn', `must be at most ${LIMITS.address} characters`, 'tooLong', { max: LIMITS.address });
  if (addressEn && JAPANESE_SCRIPT.test(addressEn)) bad('addressEn', 'must be written in Latin letters', 'latin');
  let lgCode: string | null;
  if (has('lgCode')) lgCode = text(input.lgCode);
  else if (has('addressJa') || !previous) lgCode = addressJa ? (tokyoMunicipalityOf(addressJa)?.lgCode ?? null) : null;
  else lgCode = previous.lg_code;
  if (lgCode !== null && !isValidLgCode(lgCode)) bad('lgCode', 'must be a 6-digit local government code with a valid check digit (e.g. 131016)', 'lgCode');
  const inTokyoByCode = lgCode !== null && lgCode.startsWith('13');
  let registeredInTokyo: boolean;
  if (has('registeredInTokyo')) registeredInTokyo = input.registeredInTokyo === true;
  else if (previous && !has('lgCode') && lgCode === previous.lg_code) registeredInTokyo = previous.registered_in_tokyo === 1;
  else registeredInTokyo = inTokyoByCode;
  if (!registeredInTokyo && inTokyoByCode) bad('registeredInTokyo', `cannot be false: the office's municipality ${lgCode} is in Tokyo`, 'tokyo', { code: lgCode! });

  // Industry
  let major = text(pick('jsicMajor', 'jsic_major'))?.toUpperCase() ?? null;
  const division = text(pick('jsicDivision', 'jsic_division'));
  if (major !== null && !jsicMajor(major)) bad('jsicMajor', `"${major}" is not a JSIC major group (A–T)`, 'jsicMajor', { code: major });
  if (division !== null) {
    const d = jsicDivision(division);
    if (!d) bad('jsicDivision', `"${division}" is not a known JSIC division (2 digits, e.g. 39 information services)`, 'jsicDivision', { code: division });
    else if (major === null) major = d.major;
    else if (d.major !== major) bad('jsicDivision', `division ${division} belongs to major group ${d.major}, not ${major}`, 'jsicMismatch', { division, major: d.major, given: major });
  }

  // Size
  const count = (k: 'employees' | 'capitalYen', col: 'employees' | 'capital_yen', max: number): number | null => {
    const v = pick(k, col);
    if (v === null || v === undefined) return null;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      bad(k, 'must be a whole number of 0 or more', 'wholeNumber');
      return null;
    }
    if (v > max) bad(k, `must be at most ${max}`, 'max', { max });
    return v;
  };
  const employees = count('employees', 'employees', 10_000_000);
  const capitalYen = count('capitalYen', 'capital_yen', Number.MAX_SAFE_INTEGER);

  // Postal code: Japanese ones are kept as 123-4567; a foreign one as written.
  let postalCode = text(pick('postalCode', 'postal_code'));
  if (postalCode !== null) {
    const digits = postalCode.normalize('NFKC').replace(/^〒\s*/, '').replace(/[\s\-‐－ー]/g, '');
    if (/^\d{7}$/.test(digits)) postalCode = `${digits.slice(0, 3)}-${digits.slice(3)}`;
    else if (country === 'JP') bad('postalCode', 'must be a Japanese postal code of 7 digits (123-4567)', 'postalCode');
    else if (postalCode.length > 20) bad('postalCode', 'must be at most 20 characters', 'tooLong', { max: 20 });
  }

  let website = text(pick('website', 'website'));
  if (website !== null) {
    if (!/^https?:\/\//i.test(website) && /^[\w-]+(\.[\w-]+)+(\/|$)/.test(website)) website = `https://${website}`;
    let ok = false;
    try {
      const u = new URL(website);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.includes('.');
    } catch {
      ok = false;
    }
    if (!ok) bad('website', 'must be a web address (https://…)', 'website');
    else if (website.length > LIMITS.website) bad('website', `must be at most ${LIMITS.website} characters`, 'tooLong', { max: LIMITS.website });
  }

  const summary = text(pick('summary', 'summary'));
  if (summary && summary.length > LIMITS.summary) bad('summary', `must be at most ${LIMITS.summary} characters`, 'tooLong', { max: LIMITS.summary });

  const columns: CompanyColumns = {
    corporate_number: corporateNumber,
    name_ja: nameJa,
    name_en: nameEn,
    kana,
    name_key_ja: nameKey(nameJa),
    name_key_en: nameKey(nameEn),
    sort_key: normalize(kana ?? nameEn ?? nameJa ?? ''),
    country: country ?? '',
    registered_in_tokyo: registeredInTokyo ? 1 : 0,
    lg_code: lgCode,
    jsic_major: major,
    jsic_division: division,
    employees,
    capital_yen: capitalYen,
    postal_code: postalCode,
    address_ja: addressJa,
    address_en: addressEn,
    website,
    summary,
  };
  return { columns, problems };
}

/** The search document's text: names and kana, hiragana folded, each its own run of bigrams. */
export function searchText(c: Pick<CompanyColumns, 'name_ja' | 'name_en' | 'kana'>): string {
  return [c.name_ja, c.name_en, c.kana].filter(Boolean).map((s) => toKatakana(s!)).join(' | ');
}
