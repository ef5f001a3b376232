/**
 * Request bodies in the catalog's routes. The CKAN Action API takes JSON (kept raw, so CKAN's own
 * JSON errors can be answered), forms (CKAN's quirk: a form whose only key is a JSON document) and
 * multipart uploads; the pages take forms and multipart uploads. Multipart is parsed in the
 * content-type parser, so the form's _csrf field is there when the CSRF check runs.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UPLOAD_MAX_BYTES, type UploadedFile } from './uploads.js';

/** A body kept as text (JSON or any other type), parsed by the route. */
export class RawBody {
  constructor(readonly text: string) {}
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

export function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of new URLSearchParams(text)) addField(out, k, v);
  return { ...out };
}

export async function parseMultipart(contentType: string, body: Buffer): Promise<Record<string, unknown>> {
  const form = await new Response(new Blob([new Uint8Array(body)]), { headers: { 'content-type': contentType } }).formData();
  const out: Record<string, unknown> = {};
  for (const [k, v] of form) {
    if (typeof v === 'string') addField(out, k, v);
    // An empty file input (no file chosen) sends a part with no name and no bytes.
    else if (v.size > 0 || v.name) addField(out, k, { filename: v.name, bytes: Buffer.from(await v.arrayBuffer()) } satisfies UploadedFile);
  }
  return out;
}

/** Install the catalog's body parsers in its plugin scope (the rest of the app keeps its own). */
export function catalogBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, new RawBody(body as string)));
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, parseForm(body as string)));
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: UPLOAD_MAX_BYTES + 1024 * 1024 }, async (req: FastifyRequest, body: Buffer) => {
    try {
      return await parseMultipart(req.headers['content-type'] ?? '', body);
    } catch {
      throw Object.assign(new Error('The multipart body could not be read'), { statusCode: 400, code: 'KABUTO_BAD_MULTIPART' });
    }
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, new RawBody(body as string)));
}
