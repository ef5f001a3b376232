/**
 * Uploaded resource files: checked by their content (never by the claimed extension or type),
 * limited in size, and stored under the data directory (DATA_DIR/catalog/uploads). A file is
 * written before the dataset's transaction opens and removed again if the transaction fails; a
 * replaced or deleted file is removed once the new state is committed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type { Issue } from './validate.js';

export const UPLOAD_MAX_BYTES = 20 * 1024 * 1024;

export interface UploadedFile {
  filename: string;
  bytes: Buffer;
}

export interface InspectedUpload {
  filename: string;
  format: string;
  mimetype: string;
  size: number;
  /** sha256 of the content, hex. */
  hash: string;
}

/** Binary formats accepted, by what file-type finds in the bytes. */
const BINARY: Record<string, { format: string; mimetype: string }> = {
  pdf: { format: 'PDF', mimetype: 'application/pdf' },
  xlsx: { format: 'XLSX', mimetype: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  docx: { format: 'DOCX', mimetype: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  pptx: { format: 'PPTX', mimetype: 'application/vnd.openxmlformats-officedocument.presentationml.presentation' },
  ods: { format: 'ODS', mimetype: 'application/vnd.oasis.opendocument.spreadsheet' },
  odt: { format: 'ODT', mimetype: 'application/vnd.oasis.opendocument.text' },
  // Legacy Office files are OLE2 compound files; the claimed format says which.
  cfb: { format: 'XLS', mimetype: 'application/vnd.ms-excel' },
  zip: { format: 'ZIP', mimetype: 'application/zip' },
  png: { format: 'PNG', mimetype: 'image/png' },
  jpg: { format: 'JPEG', mimetype: 'image/jpeg' },
  gif: { format: 'GIF', mimetype: 'image/gif' },
  webp: { format: 'WEBP', mimetype: 'image/webp' },
  tif: { format: 'TIFF', mimetype: 'image/tiff' },
};

/** Claimed formats each detected kind may stand for (a CSV is plain text to any detector). */
const COMPATIBLE: Record<string, readonly string[]> = {
  text: ['CSV', 'TSV', 'TXT', 'TEXT'],
  json: ['JSON', 'GEOJSON', 'JSON-LD', 'JSONLD'],
  xml: ['XML', 'RDF', 'KML', 'GML', 'ATOM', 'RSS'],
  cfb: ['XLS', 'DOC', 'PPT'],
  zip: ['ZIP', 'SHP', 'KMZ', 'GTFS'],
};

const TEXT_MIME: Record<string, string> = {
  CSV: 'text/csv',
  TSV: 'text/tab-separated-values',
  TXT: 'text/plain',
  TEXT: 'text/plain',
  JSON: 'application/json',
  GEOJSON: 'application/geo+json',
  'JSON-LD': 'application/ld+json',
  JSONLD: 'application/ld+json',
  XML: 'application/xml',
  RDF: 'application/rdf+xml',
  KML: 'application/vnd.google-earth.kml+xml',
  GML: 'application/gml+xml',
  ATOM: 'application/atom+xml',
  RSS: 'application/rss+xml',
};

/** A file name safe to store and serve: its base name, letters, digits, dot, dash and underscore. */
export function safeFilename(name: string): string {
  const base = name.normalize('NFKC').split(/[/\\]/).pop() ?? '';
  const clean = base
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/^[.-]+/, '')
    .slice(-100);
  return clean || 'file';
}

function decodesAsText(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 256 * 1024);
  if (head.includes(0)) return false;
  for (const enc of ['utf-8', 'shift_jis', 'euc-jp']) {
    try {
      new TextDecoder(enc, { fatal: true }).decode(head.length < bytes.length ? trimPartial(head) : head);
      return true;
    } catch {
      // try the next encoding
    }
  }
  return false;
}

/** Cut a sample at the last newline so a multi-byte character is never split at the end. */
function trimPartial(b: Buffer): Buffer {
  const nl = b.lastIndexOf(0x0a);
  return nl > 0 ? b.subarray(0, nl + 1) : b;
}

function textKind(bytes: Buffer): 'json' | 'xml' | 'html' | 'text' {
  const s = new TextDecoder('utf-8').decode(bytes.subarray(0, 4096)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (s.startsWith('<!doctype html') || s.startsWith('<html') || /^<\?xml[^>]*>\s*<svg/.test(s) || s.startsWith('<svg')) return 'html';
  if (s.startsWith('<')) return 'xml';
  if (s.startsWith('{') || s.startsWith('[')) {
    try {
      JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
      return 'json';
    } catch {
      return 'text';
    }
  }
  return 'text';
}

function issue(code: string, message: string, params?: Issue['params']): Issue {
  return { field: 'upload', code, message, ...(params ? { params } : {}) };
}

/**
 * What the uploaded bytes are. `claimed` is the format the caller gave (or the file's extension);
 * it is kept when the content agrees with it, refused when the content is something else.
 */
export async function inspectUpload(file: UploadedFile, claimed: string): Promise<{ upload?: InspectedUpload; issue?: Issue }> {
  const size = file.bytes.length;
  if (size === 0) return { issue: issue('uploadEmpty', 'The uploaded file is empty') };
  if (size > UPLOAD_MAX_BYTES) return { issue: issue('uploadTooLarge', `The file is larger than ${UPLOAD_MAX_BYTES / 1024 / 1024} MB`, { max: UPLOAD_MAX_BYTES / 1024 / 1024 }) };
  const filename = safeFilename(file.filename);
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(filename)?.[1]?.toUpperCase() ?? '';
  const want = (claimed.trim() || ext).toUpperCase();
  const hash = createHash('sha256').update(file.bytes).digest('hex');
  const found = await fileTypeFromBuffer(file.bytes);
  // XML-based formats are text: they are told apart below (and SVG refused) like any other text.
  const detected = found && !['xml', 'kml', 'gml', 'svg'].includes(found.ext) ? found : undefined;
  if (detected) {
    const bin = BINARY[detected.ext];
    if (!bin) return { issue: issue('uploadType', `Files of this type (${detected.ext}) cannot be uploaded`, { type: detected.ext }) };
    const family = COMPATIBLE[detected.ext];
    if (family) {
      const format = want && family.includes(want) ? want : bin.format;
      if (want && !family.includes(want) && want !== bin.format) return { issue: mismatch(want, bin.format) };
      return { upload: { filename, format, mimetype: bin.mimetype, size, hash } };
    }
    if (want && want !== bin.format && !(want === 'JPG' && bin.format === 'JPEG')) return { issue: mismatch(want, bin.format) };
    return { upload: { filename, format: bin.format, mimetype: bin.mimetype, size, hash } };
  }
  if (!decodesAsText(file.bytes)) return { issue: issue('uploadType', 'Files of this type cannot be uploaded (not a known data format)', { type: ext || '?' }) };
  const kind = textKind(file.bytes);
  if (kind === 'html') return { issue: issue('uploadType', 'HTML and SVG files cannot be uploaded', { type: 'HTML' }) };
  const family = COMPATIBLE[kind]!;
  if (want && !family.includes(want)) return { issue: mismatch(want, kind === 'text' ? 'TXT' : kind.toUpperCase()) };
  const format = want || (kind === 'text' ? 'TXT' : kind.toUpperCase());
  return { upload: { filename, format, mimetype: TEXT_MIME[format] ?? 'text/plain', size, hash } };
}

function mismatch(claimed: string, actual: string): Issue {
  return issue('uploadMismatch', `The file's content is ${actual}, not ${claimed}`, { claimed, actual });
}

/** Files under DATA_DIR/catalog/uploads, named by an opaque key (never by user input). */
export class UploadStore {
  readonly root: string;
  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'catalog', 'uploads');
  }

  newKey(resourceId: string): string {
    return `${resourceId}-${randomBytes(6).toString('hex')}`;
  }

  path(key: string): string {
    if (!/^[0-9a-f-]{20,80}$/.test(key)) throw new Error(`not an upload key: ${key}`);
    const p = join(this.root, key.slice(0, 2), key);
    if (!p.startsWith(this.root + sep)) throw new Error('upload path escapes the upload folder');
    return p;
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const p = this.path(key);
    await mkdir(dirname(p), { recursive: true });
    const tmp = `${p}.part`;
    await writeFile(tmp, bytes, { mode: 0o640 });
    await rename(tmp, p);
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.path(key))).isFile();
    } catch {
      return false;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
