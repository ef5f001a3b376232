/**
 * Uploaded documents: read from multipart bodies (parsed in the content-type parser with the
 * platform's FormData, as the catalog does, so the form's _csrf field is there for the CSRF check),
 * and checked by their content, never by the name or type the browser claims.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import { ATTACHMENT_TYPES } from './rules.js';

export interface UploadedFile {
  filename: string;
  bytes: Buffer;
}

export function isUploadedFile(v: unknown): v is UploadedFile {
  return typeof v === 'object' && v !== null && Buffer.isBuffer((v as UploadedFile).bytes) && typeof (v as UploadedFile).filename === 'string';
}

function addField(out: Record<string, unknown>, k: string, v: unknown): void {
  const prev = out[k];
  if (prev === undefined) out[k] = v;
  else if (Array.isArray(prev)) prev.push(v);
  else out[k] = [prev, v];
}

export async function parseMultipart(contentType: string, body: Buffer): Promise<Record<string, unknown>> {
  const form = await new Response(new Blob([new Uint8Array(body)]), { headers: { 'content-type': contentType } }).formData();
  const out: Record<string, unknown> = {};
  for (const [k, v] of form) {
    if (typeof v === 'string') addField(out, k, v);
    // A file input left empty sends a part with no name and no bytes.
    else if (v.size > 0 || v.name) addField(out, k, { filename: v.name, bytes: Buffer.from(await v.arrayBuffer()) } satisfies UploadedFile);
  }
  return out;
}

/** Multipart bodies in the support routes' scope, a little over the attachment limit (the limit itself is checked per file, naming the field). */
export function multipartParser(app: FastifyInstance, maxBytes: number): void {
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: maxBytes + 256 * 1024 }, async (req: FastifyRequest, body: Buffer) => {
    try {
      return await parseMultipart(req.headers['content-type'] ?? '', body);
    } catch {
      throw Object.assign(new Error('The multipart body could not be read'), { statusCode: 400, code: 'KABUTO_BAD_MULTIPART' });
    }
  });
}

/** A file name safe to store and to send back: its base name, letters, digits, dot, dash and underscore. */
export function safeFilename(name: string): string {
  const base = name.normalize('NFKC').split(/[/\\]/).pop() ?? '';
  const clean = base
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/^[.-]+/, '')
    .slice(-120);
  return clean || 'document';
}

export interface CheckedFile {
  filename: string;
  format: string;
  mimetype: string;
  size: number;
}

export type FileProblem = { key: 'support.err.fileEmpty' } | { key: 'support.err.fileTooLarge'; params: { max: string } } | { key: 'support.err.fileType'; params: { type: string } };

export const megabytes = (bytes: number) => (Math.round((bytes / 1024 / 1024) * 10) / 10).toString();

/** What the bytes are: one of the accepted formats, or the problem with them. */
export async function checkFile(file: UploadedFile, maxBytes: number): Promise<{ file?: CheckedFile; problem?: FileProblem }> {
  const size = file.bytes.length;
  if (size === 0) return { problem: { key: 'support.err.fileEmpty' } };
  if (size > maxBytes) return { problem: { key: 'support.err.fileTooLarge', params: { max: megabytes(maxBytes) } } };
  const detected = await fileTypeFromBuffer(file.bytes);
  const type = detected ? ATTACHMENT_TYPES[detected.ext] : undefined;
  if (!detected || !type) {
    const ext = /\.([A-Za-z0-9]{1,8})$/.exec(file.filename)?.[1]?.toLowerCase();
    return { problem: { key: 'support.err.fileType', params: { type: detected?.ext ?? ext ?? '?' } } };
  }
  // The stored name ends in the extension of what the file really is.
  const ext = detected.ext === 'jpg' ? ['jpg', 'jpeg'] : [detected.ext];
  let filename = safeFilename(file.filename);
  if (!ext.some((e) => filename.toLowerCase().endsWith(`.${e}`))) filename = `${filename.replace(/\.[A-Za-z0-9]{1,8}$/, '')}.${detected.ext}`;
  return { file: { filename, format: type.format, mimetype: type.mimetype, size } };
}

/** Content-Disposition for a download: an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
