/**
 * Previews of uploaded files: the first rows of a CSV, TSV or XLSX (first sheet) as a table, JSON
 * pretty-printed. A preview never reads a whole file: it streams from the start and stops once it has
 * the rows it shows, and never reads past a byte cap, so a 200 MB file costs what its first rows cost.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import Encoding from 'encoding-japanese';
import iconv from 'iconv-lite';
import { parse as csvParse } from 'csv-parse';
import ExcelJS from 'exceljs';

export type TextEncoding = 'utf-8' | 'shift_jis' | 'euc-jp' | 'utf-16le' | 'utf-16be';

export interface TablePreview {
  kind: 'table';
  format: 'CSV' | 'TSV' | 'XLSX';
  /** The text encoding found (CSV and TSV). */
  encoding?: TextEncoding;
  /** Whether the file starts with a byte order mark. */
  bom?: boolean;
  /** The sheet shown (XLSX: the first). */
  sheet?: string;
  header: string[];
  rows: string[][];
  /** More rows (or bytes) follow what is shown. */
  truncated: boolean;
}

export interface TextPreview {
  kind: 'json';
  encoding: TextEncoding;
  text: string;
  truncated: boolean;
}

export type Preview = TablePreview | TextPreview;

export interface PreviewOptions {
  /** Data rows shown (the header row is extra). */
  rows?: number;
  /** Bytes read at most (CSV, TSV, JSON). */
  maxBytes?: number;
}

export const PREVIEW_ROWS = 100;
export const PREVIEW_MAX_BYTES = 4 * 1024 * 1024;
const JSON_MAX_BYTES = 256 * 1024;
const JSON_MAX_LINES = 500;
const CELL_MAX = 1000;
const SAMPLE_BYTES = 64 * 1024;

export const PREVIEW_FORMATS = ['CSV', 'TSV', 'XLSX', 'JSON', 'GEOJSON'] as const;

/** Whether a format can be previewed. */
export function previewable(format: string | null | undefined): boolean {
  return (PREVIEW_FORMATS as readonly string[]).includes((format ?? '').normalize('NFKC').trim().toUpperCase());
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** A sample cut at its last newline, so a multi-byte character is never split at the end. */
function wholeLines(b: Buffer, complete: boolean): Buffer {
  if (complete) return b;
  const nl = b.lastIndexOf(0x0a);
  return nl > 0 ? b.subarray(0, nl + 1) : b;
}

/**
 * The encoding of a text file from its first bytes: a BOM says it; valid UTF-8 is UTF-8; otherwise
 * encoding-japanese tells Shift_JIS from EUC-JP (what Japanese spreadsheets and older systems write).
 */
export function detectEncoding(sample: Buffer, complete = true): { encoding: TextEncoding; bom: boolean } {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf-8', bom: true };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bom: true };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bom: true };
  const s = wholeLines(sample, complete);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(s);
    return { encoding: 'utf-8', bom: false };
  } catch {
    // not UTF-8: ask which Japanese encoding
  }
  const found = Encoding.detect(s, ['SJIS', 'EUCJP']);
  return { encoding: found === 'EUCJP' ? 'euc-jp' : 'shift_jis', bom: false };
}

/** iconv-lite's name: Shift_JIS files from Windows use Microsoft's extension (CP932: ①, ㈱, NEC special characters). */
const ICONV: Record<TextEncoding, string> = { 'utf-8': 'utf-8', shift_jis: 'cp932', 'euc-jp': 'euc-jp', 'utf-16le': 'utf-16le', 'utf-16be': 'utf-16be' };

const cell = (v: string) => (v.length > CELL_MAX ? `${v.slice(0, CELL_MAX)}…` : v);

export interface RecordStream {
  encoding: TextEncoding;
  bom: boolean;
  delimiter: ',' | '\t';
  /** Whether the byte cap cut the file. */
  capped: boolean;
  /** Whether reading stopped because the callback asked it to. */
  stopped: boolean;
}

/**
 * Stream the records of a CSV or TSV file from its start, decoded from the encoding found, calling
 * `onRecord` for each until it returns false, the file ends, or `maxBytes` have been read. A record
 * the byte cap cuts short, or one over 1 MB, ends the stream (`capped`).
 */
export async function streamRecords(path: string, format: 'CSV' | 'TSV', maxBytes: number, onRecord: (record: string[]) => boolean): Promise<RecordStream> {
  const head = await readHead(path, Math.min(SAMPLE_BYTES, maxBytes));
  const complete = head.length < Math.min(SAMPLE_BYTES, maxBytes);
  const { encoding, bom } = detectEncoding(head, complete);
  // A file called CSV that is really tab-separated (a common export) is read as such.
  const firstLine = iconv.decode(wholeLines(head, complete), ICONV[encoding]).split('\n', 1)[0] ?? '';
  const delimiter = format === 'TSV' || (firstLine.includes('\t') && !firstLine.includes(',')) ? '\t' : ',';
  let stopped = false;
  let seen = 0;
  const source = createReadStream(path, { start: 0, end: maxBytes - 1, highWaterMark: SAMPLE_BYTES });
  const parser = csvParse({ delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, bom: true, max_record_size: 1024 * 1024 });
  const sink = new Writable({
    objectMode: true,
    write(record: string[], _enc, done) {
      seen++;
      stopped = !onRecord(record);
      // Enough: stop reading the file (the pipeline ends with an abort we expect).
      done(stopped ? new StopReading() : undefined);
    },
  });
  let capped = false;
  try {
    await pipeline(source, iconv.decodeStream(ICONV[encoding], { stripBOM: true }), parser, sink);
    capped = source.bytesRead >= maxBytes;
  } catch (err) {
    if (!(err instanceof StopReading)) {
      if (seen === 0) throw err;
      capped = true;
    }
  }
  return { encoding, bom, delimiter, capped, stopped };
}

/** The first rows of a delimited text file. */
async function previewDelimited(path: string, format: 'CSV' | 'TSV', opts: Required<PreviewOptions>): Promise<TablePreview> {
  const wanted = opts.rows + 1;
  const records: string[][] = [];
  const s = await streamRecords(path, format, opts.maxBytes, (record) => {
    if (records.length === wanted) return false;
    records.push(record.map(cell));
    return true;
  });
  const [header = [], ...rows] = records;
  return { kind: 'table', format: s.delimiter === '\t' ? 'TSV' : 'CSV', encoding: s.encoding, bom: s.bom, header, rows, truncated: s.stopped || s.capped };
}

class StopReading extends Error {}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().replace(/T00:00:00\.000Z$/, '');
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string; hyperlink?: string };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if (o.result !== undefined) return cellText(o.result);
    if (o.text !== undefined) return cellText(o.text);
    if (o.error) return o.error;
    return '';
  }
  return String(v);
}

/** The first rows of the first sheet of an XLSX, read as a stream. */
async function previewXlsx(path: string, opts: Required<PreviewOptions>): Promise<TablePreview> {
  // Styles are read so dates come out as dates (a date cell is a number with a date format).
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', entries: 'ignore' });
  const records: string[][] = [];
  let more = false;
  let sheet: string | undefined;
  for await (const ws of reader) {
    sheet = (ws as unknown as { name?: string }).name;
    for await (const row of ws) {
      if (records.length > opts.rows) {
        more = true;
        break;
      }
      const values = (row.values as unknown[]).slice(1).map((v) => cell(cellText(v)));
      // Empty rows between data are kept as rows of the sheet, by their row number.
      while (records.length < row.number - 1 && records.length <= opts.rows) records.push([]);
      if (records.length <= opts.rows) records.push(values);
    }
    break;
  }
  const width = Math.max(0, ...records.map((r) => r.length));
  const padded = records.map((r) => [...r, ...Array<string>(width - r.length).fill('')]);
  const [header = [], ...rows] = padded;
  return { kind: 'table', format: 'XLSX', sheet, header, rows, truncated: more };
}

/**
 * JSON with two-space indentation from a prefix of a document: a whole small document is parsed and
 * printed; a prefix of a large one is re-indented token by token without parsing it (it is cut).
 */
export function indentJson(text: string): string {
  let out = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  const nl = () => `\n${'  '.repeat(depth)}`;
  for (const ch of text) {
    if (inString) {
      out += ch;
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === '{' || ch === '[') {
      depth++;
      out += ch + nl();
    } else if (ch === '}' || ch === ']') {
      depth = Math.max(0, depth - 1);
      out += nl() + ch;
    } else if (ch === ',') out += ch + nl();
    else if (ch === ':') out += ': ';
    else if (!/\s/.test(ch)) out += ch;
  }
  return out.replace(/\{\n\s*\}/g, '{}').replace(/\[\n\s*\]/g, '[]');
}

async function previewJson(path: string, opts: Required<PreviewOptions>): Promise<TextPreview> {
  const limit = Math.min(JSON_MAX_BYTES, opts.maxBytes);
  const head = await readHead(path, limit + 1);
  const complete = head.length <= limit;
  const bytes = complete ? head : wholeUtf8(head.subarray(0, limit));
  const { encoding } = detectEncoding(bytes, complete);
  const raw = iconv.decode(bytes, ICONV[encoding], { stripBOM: true });
  let text: string;
  let truncated = !complete;
  if (complete) {
    try {
      text = JSON.stringify(JSON.parse(raw), null, 2);
    } catch {
      text = indentJson(raw);
    }
  } else text = indentJson(raw);
  const lines = text.split('\n');
  if (lines.length > JSON_MAX_LINES) {
    text = lines.slice(0, JSON_MAX_LINES).join('\n');
    truncated = true;
  }
  return { kind: 'json', encoding, text, truncated };
}

/** A UTF-8 prefix without a character cut in half at its end. */
function wholeUtf8(b: Buffer): Buffer {
  let end = b.length;
  let i = end - 1;
  while (i >= 0 && i >= end - 4 && (b[i]! & 0xc0) === 0x80) i--;
  if (i >= 0 && b[i]! >= 0xc0) {
    const need = b[i]! >= 0xf0 ? 4 : b[i]! >= 0xe0 ? 3 : 2;
    if (end - i < need) end = i;
  }
  return b.subarray(0, end);
}

/** Preview a file of a format (CSV, TSV, XLSX, JSON, GeoJSON). */
export async function previewFile(path: string, format: string, options: PreviewOptions = {}): Promise<Preview> {
  const opts: Required<PreviewOptions> = { rows: Math.max(1, Math.min(options.rows ?? PREVIEW_ROWS, PREVIEW_ROWS)), maxBytes: options.maxBytes ?? PREVIEW_MAX_BYTES };
  const f = format.normalize('NFKC').trim().toUpperCase();
  if (f === 'CSV' || f === 'TSV') return previewDelimited(path, f, opts);
  if (f === 'XLSX') return previewXlsx(path, opts);
  if (f === 'JSON' || f === 'GEOJSON') return previewJson(path, opts);
  throw new Error(`no preview for format ${format}`);
}
