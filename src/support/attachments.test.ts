import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipFor, testApp, type TestApp } from '../../test/helpers.js';
import { AttachmentKey, decrypt, DecryptError, encrypt } from './crypto.js';
import { api, browser, company, count, docx, jpeg, multipart, pdf, person, png, upload, xlsx, type Person } from './testing.js';

for (const dialect of DIALECTS) {
  describe(`support attachments [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let alice: Person;
    let staff: Person;
    let caseId: number;
    let key: AttachmentKey;

    const stored = (id: number) => t.handle.db.selectFrom('support_attachments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    before(async () => {
      t = await testApp(dialect, { config: { attachmentMaxBytes: 64 * 1024 } });
      key = new AttachmentKey(t.config.attachmentKey!);
      const acme = await company(t, 'Acme Asset Management Ltd');
      alice = await person(t, 'member', acme, 'Alice Smith');
      staff = await person(t, 'staff', undefined, 'Sato Hanako');
      caseId = (await api(t, alice).post('/cases', { kind: 'incorporation', title: 'KK registration', description: 'Documents attached' })).json().id;
    });
    after(async () => t?.close());

    it('accepts PDF, PNG, JPEG, DOCX and XLSX, recognised by their content whatever their name', async () => {
      const files = [
        { name: 'certificate.pdf', bytes: pdf(), format: 'PDF', filename: 'certificate.pdf' },
        { name: 'photo.png', bytes: png(), format: 'PNG', filename: 'photo.png' },
        { name: 'scan', bytes: jpeg(), format: 'JPEG', filename: 'scan.jpg' },
        { name: 'articles.docx', bytes: docx(), format: 'DOCX', filename: 'articles.docx' },
        { name: 'plan.txt', bytes: await xlsx(), format: 'XLSX', filename: 'plan.xlsx' },
      ];
      for (const f of files) {
        const res = await upload(t, alice, caseId, f);
        assert.equal(res.statusCode, 201, `${f.name}: ${res.body}`);
        assert.equal(res.json().format, f.format);
        assert.equal(res.json().filename, f.filename, 'the name ends in what the file really is');
        assert.equal(res.json().size, f.bytes.length);
      }
    });

    it('stores the bytes encrypted (AES-256-GCM, a fresh IV per file) and gives back exactly what was uploaded', async () => {
      const original = pdf('Passport of Jane Doe');
      const a = (await upload(t, alice, caseId, { name: 'passport.pdf', bytes: original })).json();
      const b = (await upload(t, alice, caseId, { name: 'passport-again.pdf', bytes: original })).json();
      const rowA = await stored(a.id);
      const rowB = await stored(b.id);
      const atRest = Buffer.from(rowA.content);
      assert.notDeepEqual(atRest, original);
      assert.equal(atRest.includes(Buffer.from('Passport of Jane Doe')), false, 'the plain text is nowhere in the stored bytes');
      assert.equal(atRest.includes(Buffer.from('%PDF')), false);
      assert.notDeepEqual(atRest.subarray(1, 13), Buffer.from(rowB.content).subarray(1, 13), 'each file has its own IV');
      assert.deepEqual(decrypt(key, caseId, atRest, rowA.key_id), original, 'decrypts back with the configured key');
      assert.throws(() => decrypt(key, caseId + 1, atRest, rowA.key_id), DecryptError, 'bound to its case');
      const other = new AttachmentKey('11'.repeat(32));
      assert.throws(() => decrypt(other, caseId, atRest, other.id), DecryptError, 'another key does not open it');
      const tampered = Buffer.from(atRest);
      tampered[tampered.length - 1]! ^= 1;
      assert.throws(() => decrypt(key, caseId, tampered, rowA.key_id), DecryptError, 'a changed byte is detected');

      const res = await api(t, alice).get(`/cases/${caseId}/attachments/${a.id}`);
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.rawPayload, original);
      assert.equal(res.headers['content-type'], 'application/pdf');
      assert.match(String(res.headers['content-disposition']), /^attachment; filename="passport.pdf"/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(encrypt(key, 1, Buffer.from('x')).length, 1 + 12 + 16 + 1);
    });

    it('logs every download: who, when, which file, through the page or the API', async () => {
      const a = (await upload(t, alice, caseId, { name: 'lease.pdf', bytes: pdf('lease') })).json();
      const before = await count(t, 'support_downloads');
      t.clock.set('2019-06-15T05:00:00Z');
      assert.equal((await api(t, staff).get(`/cases/${caseId}/attachments/${a.id}`)).statusCode, 200);
      const s = await browser(t, alice);
      const page = await t.app.inject({ method: 'GET', url: `/support/cases/${caseId}/attachments/${a.id}`, headers: { cookie: s.cookie } });
      assert.equal(page.statusCode, 200);
      assert.equal(await count(t, 'support_downloads'), before + 2);
      const log = (await api(t, staff).get(`/cases/${caseId}/downloads`)).json();
      const mine = log.filter((d: { attachmentId: number }) => d.attachmentId === a.id);
      assert.deepEqual(
        mine.map((d: { user: { id: number; label: string }; via: string; filename: string; at: string }) => [d.user.id, d.user.label, d.via, d.filename, d.at]),
        [
          [alice.id, alice.email, 'page', 'lease.pdf', '2019-06-15T05:00:00.000Z'],
          [staff.id, staff.email, 'api', 'lease.pdf', '2019-06-15T05:00:00.000Z'],
        ],
      );
      const casePage = await t.app.inject({ method: 'GET', url: `/support/cases/${caseId}`, headers: { authorization: `Bearer ${staff.token}`, accept: 'text/html' } });
      assert.match(casePage.body, /Download log|ダウンロードの記録/);
    });

    it('refuses a file of another type with a message naming the field, and stores nothing', async () => {
      const before = { attachments: await count(t, 'support_attachments'), audit: await count(t, 'audit_log'), mail: await count(t, 'mail_outbox') };
      const cases: Array<[string, Buffer, RegExp]> = [
        ['invoice.pdf', Buffer.from('<!doctype html><html><script>alert(1)</script></html>'), /\(\?\)|\(pdf\)|type/],
        ['picture.gif', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), /gif/],
        ['setup.exe', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]), /exe/],
        ['archive.zip', Buffer.from('PK\x03\x04\x14\x00\x00\x00\x00\x00', 'latin1'), /zip/],
      ];
      for (const [name, bytes, type] of cases) {
        const res = await upload(t, alice, caseId, { name, bytes });
        assert.equal(res.statusCode, 422, `${name}: ${res.body}`);
        assert.equal(res.json().code, 'validation-failed');
        assert.equal(res.json().errors[0].field, 'file');
        assert.match(res.json().errors[0].message, /cannot be uploaded/);
        assert.match(res.json().errors[0].message, type);
      }
      const empty = await upload(t, alice, caseId, { name: 'empty.pdf', bytes: Buffer.alloc(0) });
      assert.equal(empty.statusCode, 422);
      const big = await upload(t, alice, caseId, { name: 'big.pdf', bytes: Buffer.concat([pdf(), Buffer.alloc(70 * 1024, 0x20)]) });
      assert.equal(big.statusCode, 422);
      assert.equal(big.json().errors[0].field, 'file');
      assert.match(big.json().errors[0].message, /too large/);
      const noFile = await multipart({ note: 'x' });
      const none = await t.app.inject({ method: 'POST', url: `/api/v1/support/cases/${caseId}/attachments`, headers: { authorization: `Bearer ${alice.token}`, ...noFile.headers }, payload: noFile.payload });
      assert.equal(none.statusCode, 400, 'an unknown field is refused');
      assert.equal(none.json().errors[0].field, 'note');
      assert.deepEqual({ attachments: await count(t, 'support_attachments'), audit: await count(t, 'audit_log'), mail: await count(t, 'mail_outbox') }, before);
    });

    it('refuses a wrong file sent with a new message through the page, keeping the message unsent', async () => {
      const s = await browser(t, alice);
      const before = { messages: await count(t, 'support_messages'), attachments: await count(t, 'support_attachments') };
      const body = await multipart({ _csrf: s.csrf, body: 'See the attached' }, { file: { name: 'notes.html', bytes: Buffer.from('<html><body>x</body></html>') } });
      const res = await t.app.inject({ method: 'POST', url: `/support/cases/${caseId}/messages?lang=en`, headers: { ...body.headers, cookie: s.cookie }, payload: body.payload });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /Files of this type \(html\) cannot be uploaded/);
      assert.match(res.body, /href="#f-file"/);
      assert.match(res.body, /See the attached<\/textarea>/, 'what was typed is kept');
      assert.deepEqual({ messages: await count(t, 'support_messages'), attachments: await count(t, 'support_attachments') }, before);
      const ok = await multipart({ _csrf: s.csrf, body: 'See the attached' }, { file: { name: 'articles.pdf', bytes: pdf() } });
      const sent = await t.app.inject({ method: 'POST', url: `/support/cases/${caseId}/messages`, headers: { ...ok.headers, cookie: s.cookie }, payload: ok.payload });
      assert.equal(sent.statusCode, 303);
      const c = (await api(t, alice).get(`/cases/${caseId}`)).json();
      assert.equal(c.messages.at(-1).attachments[0].filename, 'articles.pdf');
    });
  });
}
