import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';

export type Cell = string | number | null;

export interface Table {
  /** File name without extension (ASCII). */
  filename: string;
  /** Worksheet name (at most 31 characters). */
  sheet: string;
  columns: string[];
  rows: Cell[][];
}

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

// A cell starting with these would run as a formula when a spreadsheet opens the CSV.
const FORMULA = /^[=+\-@\t\r]/;

function csvCell(v: Cell): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && FORMULA.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV as spreadsheets in Japan open it: UTF-8 with a byte order mark, CRLF line ends. */
export function toCsv(table: Table): string {
  const lines = [table.columns, ...table.rows].map((r) => r.map(csvCell).join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

export async function toXlsx(table: Table): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Kabuto';
  const ws = wb.addWorksheet(table.sheet.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(table.columns).font = { bold: true };
  for (const r of table.rows) ws.addRow(r.map((v) => (v === null ? '' : v)));
  ws.columns.forEach((c, i) => {
    const longest = Math.max(...[table.columns[i] ?? '', ...table.rows.map((r) => String(r[i] ?? ''))].map((s) => s.length));
    c.width = Math.min(60, Math.max(8, longest + 2));
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function sendTable(reply: FastifyReply, format: ExportFormat, table: Table): Promise<FastifyReply> {
  reply.header('content-disposition', `attachment; filename="${table.filename}.${format}"`).header('cache-control', 'no-store');
  if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(table));
  return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await toXlsx(table));
}
