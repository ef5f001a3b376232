import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { DIALECTS, skipFor, testApp, type TestApp } from '../../test/helpers.js';
import { mailSender } from '../core/mail/index.js';
import { api, company, person, type Person } from './testing.js';

interface Mail {
  to: string;
  subject: string;
  raw: string;
}

/** A real SMTP server on loopback; subjects are decoded from their encoded words. */
async function smtpServer(): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const header = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1] ?? '';
        const subject = header
          .replace(/\r?\n[ \t]/g, ' ')
          .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=\s*/gi, (_x, enc: string, text: string) =>
            enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_y, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
          )
          .trim();
        for (const r of session.envelope.rcptTo) mails.push({ to: r.address, subject, raw });
        cb();
      });
    },
  });
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

for (const dialect of DIALECTS) {
  describe(`support notifications by mail [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let smtp: Awaited<ReturnType<typeof smtpServer>>;
    let alice: Person;
    let alice2: Person;
    let bob: Person;
    let staffA: Person;
    let staffB: Person;
    const deliver = async () => {
      await mailSender(t.app.kabuto).runOnce();
      const got = [...smtp.mails];
      smtp.mails.length = 0;
      return got.sort((a, b) => a.to.localeCompare(b.to));
    };

    before(async () => {
      smtp = await smtpServer();
      t = await testApp(dialect, { config: { smtpUrl: `smtp://127.0.0.1:${smtp.port}`, publicUrl: 'https://kabuto.example.jp' } });
      const acme = await company(t, 'Acme Asset Management Ltd');
      const globex = await company(t, 'Globex Securities plc');
      alice = await person(t, 'member', acme, 'Alice Smith');
      alice2 = await person(t, 'member', acme, 'Arthur Smith');
      bob = await person(t, 'member', globex, 'Bob Jones');
      staffA = await person(t, 'staff', undefined, 'Sato Hanako');
      staffB = await person(t, 'staff', undefined, 'Suzuki Ichiro');
    });
    after(async () => {
      await mailSender(t.app.kabuto).stop();
      await t?.close();
      await smtp?.close();
    });
    beforeEach(async () => {
      await deliver();
    });

    it('tells every staff member about a new case from a company while nobody is assigned, and the assignee afterwards', async () => {
      const c = (await api(t, alice).post('/cases', { kind: 'office', title: 'Office in Otemachi', description: 'We need 40 desks', persons: [{ fullName: 'Jane Doe', passportNumber: 'TK1234567' }] })).json();
      const mails = await deliver();
      assert.deepEqual(mails.map((m) => m.to), [staffA.email, staffB.email].sort());
      assert.equal(mails[0]!.subject, `【Kabuto】新しい相談 #${c.id} / [Kabuto] New case #${c.id}`);
      assert.match(mails[0]!.raw, new RegExp(`https://kabuto\\.example\\.jp/support/cases/${c.id}`));
      for (const m of mails) assert.doesNotMatch(m.raw, /TK1234567|Jane Doe|40 desks/, 'no personal data or message text in mail');

      await api(t, staffA).patch(`/cases/${c.id}`, { assigneeId: staffB.id });
      const assigned = await deliver();
      assert.deepEqual(assigned.map((m) => m.to), [staffB.email]);
      assert.match(assigned[0]!.subject, new RegExp(`\\[Kabuto\\] Case #${c.id} has been assigned to you`));

      await api(t, alice).post(`/cases/${c.id}/messages`, { body: 'Any news?' });
      const fromCompany = await deliver();
      assert.deepEqual(fromCompany.map((m) => m.to), [staffB.email], 'only the assignee once there is one');
      assert.match(fromCompany[0]!.subject, /the company has written/);
    });

    it("tells the company's members (and nobody else) about a staff reply and a status change, in English first", async () => {
      const c = (await api(t, alice).post('/cases', { kind: 'tax', title: 'Consumption tax', description: 'Registration?' })).json();
      await deliver();
      await api(t, staffA).post(`/cases/${c.id}/messages`, { body: 'Here is how it works.' });
      const reply = await deliver();
      assert.deepEqual(reply.map((m) => m.to), [alice.email, alice2.email].sort());
      assert.ok(!reply.some((m) => m.to === bob.email));
      assert.equal(reply[0]!.subject, `[Kabuto] Case #${c.id}: a reply from Tokyo one-stop support / 【Kabuto】相談 #${c.id} に担当者から返信があります`);

      await api(t, staffA).patch(`/cases/${c.id}`, { status: 'waiting-for-company' });
      const status = await deliver();
      assert.deepEqual(status.map((m) => m.to), [alice.email, alice2.email].sort());
      assert.match(status[0]!.subject, new RegExp(`^\\[Kabuto\\] Case #${c.id} is now "Waiting for your reply"`));

      await api(t, staffA).post(`/cases/${c.id}/messages`, { body: 'note to self', internal: true });
      assert.deepEqual(await deliver(), [], 'an internal note sends nothing');
    });

    it('sends from the server on its own timer when MAIL_INTERVAL_SECONDS is set, and stops on close', async () => {
      const live = await testApp(dialect, { config: { smtpUrl: `smtp://127.0.0.1:${smtp.port}`, mailIntervalSeconds: 1 } });
      try {
        const acme = await company(live, 'Initech KK');
        const m = await person(live, 'member', acme);
        const s = await person(live, 'staff');
        const c = (await api(live, m).post('/cases', { kind: 'living', title: 'Doctor who speaks English', description: 'Near Shibuya' })).json();
        const deadline = Date.now() + 10_000;
        while (!smtp.mails.some((x) => x.to === s.email) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        assert.ok(smtp.mails.some((x) => x.to === s.email && x.subject.includes(`New case #${c.id}`)), 'the worker started by the app delivered the mail');
      } finally {
        await live.close();
      }
    });
  });
}
