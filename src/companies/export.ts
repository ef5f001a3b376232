/**
 * Downloads of a company search: CSV (UTF-8 with a byte-order mark and CRLF, which Excel opens as
 * Japanese text) and XLSX. Column headers follow the page language; values do not. Contacts
 * (personal data) are never exported.
 */
import ExcelJS from 'exceljs';
import { translator, type Lang } from '../core/i18n/index.js';
import { csvField } from './csv.js';
import { jsicDivision, jsicMajor, municipality } from './reference.js';
import type { Company, TimelineEvent } from './types.js';

type Cell = string | number | null;

const COLUMNS = [
  'id',
  'corporateNumber',
  'nameJa',
  'nameEn',
  'kana',
  'country',
  'registeredInTokyo',
  'lgCode',
  'municipality',
  'jsicMajor',
  'jsicDivision',
  'industry',
  'employees',
  'capitalYen',
  'postalCode',
  'addressJa',
  'addressEn',
  'website',
  'createdAt',
  'updatedAt',
] as const;

export function exportHeaders(lang: Lang): string[] {
  const t = translator(lang);
  return COLUMNS.map((c) => t(c === 'lgCode' ? 'companies.field.lgCodeRaw' : `companies.field.${c}`));
}

export function exportRow(c: Company, lang: Lang): Cell[] {
  const m = c.lgCode ? municipality(c.lgCode) : undefined;
  const major = c.jsicMajor ? jsicMajor(c.jsicMajor) : undefined;
  const div = c.jsicDivision ? jsicDivision(c.jsicDivision) : undefined;
  const pick = (x: { nameJa: string; nameEn: string } | undefined) => (x ? (lang === 'ja' ? x.nameJa : x.nameEn) : null);
  return [
    c.id,
    c.corporateNumber,
    c.nameJa,
    c.nameEn,
    c.kana,
    c.country,
    c.registeredInTokyo ? 1 : 0,
    c.lgCode,
    pick(m),
    c.jsicMajor,
    c.jsicDivision,
    div ? pick(div) : pick(major),
    c.employees,
    c.capitalYen,
    c.postalCode,
    c.addressJa,
    c.addressEn,
    c.website,
    c.createdAt,
    c.updatedAt,
  ];
}

export function companiesCsv(items: Company[], lang: Lang): string {
  const lines = [exportHeaders(lang).map(csvField).join(',')];
  for (const c of items) lines.push(exportRow(c, lang).map(csvField).join(','));
  return '\ufeff' + lines.join('\r\n') + '\r\n';
}

export async function companiesXlsx(items: Company[], lang: Lang): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Kabuto';
  const ws = wb.addWorksheet(translator(lang)('companies.export.sheet'));
  ws.addRow(exportHeaders(lang));
  ws.getRow(1).font = { bold: true };
  // The 法人番号 stays text (a number would lose nothing here, but Excel would show it as 7.00001E+12).
  for (const c of items) ws.addRow(exportRow(c, lang));
  ws.getColumn(2).numFmt = '@';
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A company's history as a sheet: when, area, kind, event (in the language asked for), link. */
export function timelineSheet(events: TimelineEvent[], lang: Lang): { headers: string[]; rows: Cell[][] } {
  const t = translator(lang);
  const area = (m: string) => (['companies', 'attraction', 'support', 'matching'].includes(m) ? t(`companies.module.${m}`) : m);
  return {
    headers: [t('companies.detail.at'), t('companies.detail.module'), 'kind', t('companies.detail.event'), 'href'],
    rows: events.map((e) => [e.at, area(e.module), e.kind, e.title[lang], e.href ?? null]),
  };
}

export function timelineCsv(events: TimelineEvent[], lang: Lang): string {
  const { headers, rows } = timelineSheet(events, lang);
  return '\ufeff' + [headers, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export async function timelineXlsx(events: TimelineEvent[], lang: Lang): Promise<Buffer> {
  const { headers, rows } = timelineSheet(events, lang);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Kabuto';
  const ws = wb.addWorksheet(translator(lang)('companies.detail.timeline'));
  ws.addRow(headers);
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}
