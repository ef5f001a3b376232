/** Helpers shared by the support tests (not a test file itself). */
import { crc32, deflateSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import ExcelJS from 'exceljs';
import { TEST_PASSWORD, signIn, type Session, type TestApp } from '../../test/helpers.js';
import { systemActor } from '../core/audit.js';
import type { Role } from '../core/tables.js';
import { companiesService } from '../companies/index.js';

export interface Person {
  id: number;
  email: string;
  token: string;
  role: Role;
}

let seq = 0;

/** A user of the role (a member of `companyId`) with an API token. */
export async function person(t: TestApp, role: Role, companyId?: number, name?: string): Promise<Person> {
  const n = ++seq;
  const email = `${role}-sup${n}-${process.pid}@example.jp`;
  const user = await t.app.kabuto.auth.createUser(systemActor('test'), {
    email,
    displayName: name ?? `${role} ${n}`,
    role,
    password: TEST_PASSWORD,
    orgId: role === 'publisher' ? '130001' : null,
    companyId: role === 'member' ? String(companyId ?? 'none') : null,
  });
  const { token } = await t.app.kabuto.auth.createToken(systemActor('test'), user.id, 'test', null);
  return { id: user.id, email, token, role };
}

/** Sign a user made by person() in through the login form (pages, CSRF). */
export const browser = (t: TestApp, p: Person): Promise<Session> => signIn(t.app, { id: p.id, email: p.email, role: p.role });

/** A foreign company in the registry. */
export async function company(t: TestApp, nameEn: string): Promise<number> {
  const { company } = await companiesService(t.app.kabuto).create(systemActor('test'), { nameEn, country: 'GB' });
  return company.id;
}

export function api(t: TestApp, who: Person | null) {
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<LightMyRequestResponse> =>
    t.app.inject({ method, url: `/api/v1/support${url}`, headers: who ? { authorization: `Bearer ${who.token}` } : {}, payload: payload as object | undefined });
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, payload: unknown) => call('POST', url, payload),
    patch: (url: string, payload: unknown) => call('PATCH', url, payload),
    del: (url: string) => call('DELETE', url),
  };
}

/** A multipart/form-data body built by the platform's FormData, as a browser would send it. */
export async function multipart(fields: Record<string, string>, files: Record<string, { name: string; bytes: Buffer; type?: string }> = {}): Promise<{ headers: Record<string, string>; payload: Buffer }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const [k, f] of Object.entries(files)) form.append(k, new Blob([new Uint8Array(f.bytes)], { type: f.type ?? 'application/octet-stream' }), f.name);
  const req = new Request('http://localhost/', { method: 'POST', body: form });
  return { headers: { 'content-type': req.headers.get('content-type')! }, payload: Buffer.from(await req.arrayBuffer()) };
}

/** Upload a document to a case through the API. */
export async function upload(t: TestApp, who: Person, caseId: number, file: { name: string; bytes: Buffer }, fields: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  const body = await multipart(fields, { file });
  return t.app.inject({ method: 'POST', url: `/api/v1/support/cases/${caseId}/attachments`, headers: { ...body.headers, authorization: `Bearer ${who.token}` }, payload: body.payload });
}

// ---- small real documents ----

/** A one-page PDF. */
export function pdf(text = 'Certificate of registration'): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`);
}

/** A 1×1 PNG. */
export function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))), chunk('IEND', Buffer.alloc(0))]);
}

/** The start of a JPEG (what file-type reads). */
export function jpeg(): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]), Buffer.alloc(64, 0), Buffer.from([0xff, 0xd9])]);
}

/** A stored (uncompressed) ZIP of the given entries. */
function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text, 'utf8');
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

/** A minimal Word document. */
export function docx(): Buffer {
  return zip({
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    'word/document.xml': '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Articles of incorporation</w:t></w:r></w:p></w:body></w:document>',
  });
}

/** A workbook written by ExcelJS. */
export async function xlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Plan').addRow(['Year', 'Staff']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Rows in a table. */
export async function count(t: TestApp, table: string): Promise<number> {
  const r = await (t.handle.db as any).selectFrom(table).select((eb: any) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
