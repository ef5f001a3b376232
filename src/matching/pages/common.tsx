import type { VNode } from 'preact';
import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import type { PageCtx } from '../../core/http/render.js';
import { formatDate, formatDateTime } from '../../core/i18n/index.js';
import type { Bilingual, CompanyRef } from '../service.js';

export function Notice({ text }: { text: string | null }): VNode | null {
  return text ? (
    <p class="notice" role="status">
      {text}
    </p>
  ) : null;
}

export const nameOf = (c: CompanyRef, lang: 'ja' | 'en') => c.name[lang];
/** A bilingual text in the reader's language, falling back to the other. */
export const bi = (b: Bilingual, lang: 'ja' | 'en') => (lang === 'en' ? (b.en ?? b.ja) : (b.ja ?? b.en)) ?? '';
export const date = (ctx: PageCtx, iso: string | null | undefined) => (iso ? formatDate(iso.length === 10 ? `${iso}T03:00:00Z` : iso, ctx.lang) : '');
export const dateTime = (ctx: PageCtx, iso: string | null | undefined) => (iso ? formatDateTime(iso, ctx.lang) : '');
/** HH:MM in Tokyo. */
export const time = (iso: string) => new Date(Date.parse(iso) + 9 * 3600_000).toISOString().slice(11, 16);

/** A small form with one button (and hidden fields): the no-JavaScript way to act. */
export function ActionForm({ ctx, action, label, fields = {}, secondary }: { ctx: PageCtx; action: string; label: string; fields?: Record<string, string>; secondary?: boolean }): VNode {
  return (
    <form method="post" action={action} class="inline-form">
      <input type="hidden" name="_csrf" value={ctx.csrf} />
      {Object.entries(fields).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class={secondary ? 'small-button secondary' : 'small-button'}>
        {label}
      </button>
    </form>
  );
}

export function Pager({ ctx, total, limit, offset, base }: { ctx: PageCtx; total: number; limit: number; offset: number; base: URLSearchParams }): VNode | null {
  if (total <= limit) return null;
  const href = (o: number) => {
    const q = new URLSearchParams(base);
    q.set('offset', String(o));
    return `?${q.toString()}`;
  };
  return (
    <nav class="pager" aria-label={ctx.t('matching.page.pager')}>
      {offset > 0 && <a href={href(Math.max(0, offset - limit))}>{ctx.t('matching.page.prev')}</a>}
      <span>{ctx.t('matching.page.range', { from: offset + 1, to: Math.min(total, offset + limit), total })}</span>
      {offset + limit < total && <a href={href(offset + limit)}>{ctx.t('matching.page.next')}</a>}
    </nav>
  );
}

// ---- exports (CSV with a byte order mark, XLSX) ----

export type Cell = string | number | null;
export interface Table {
  filename: string;
  sheet: string;
  columns: string[];
  rows: Cell[][];
}
const FORMULA = /^[=+\-@\t\r]/;
function csvCell(v: Cell): string {
  if (v === null) return '';
  let s = String(v);
  // A cell starting with these would run as a formula when a spreadsheet opens the file.
  if (typeof v === 'string' && FORMULA.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
export function toCsv(t: Table): string {
  return '\uFEFF' + [t.columns, ...t.rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
export async function sendTable(reply: FastifyReply, format: 'csv' | 'xlsx', t: Table): Promise<FastifyReply> {
  reply.header('content-disposition', `attachment; filename="${t.filename}.${format}"`).header('cache-control', 'no-store');
  if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(t));
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Kabuto';
  const ws = wb.addWorksheet(t.sheet.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(t.columns).font = { bold: true };
  for (const r of t.rows) ws.addRow(r.map((v) => (v === null ? '' : v)));
  return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(Buffer.from(await wb.xlsx.writeBuffer()));
}

export function ExportLinks({ ctx, base }: { ctx: PageCtx; base: string }): VNode {
  const sep = base.includes('?') ? '&' : '?';
  return (
    <p class="matching-exports">
      {ctx.t('matching.page.export')}: <a href={`${base}${sep}format=csv`}>CSV</a> · <a href={`${base}${sep}format=xlsx`}>XLSX</a>
    </p>
  );
}
