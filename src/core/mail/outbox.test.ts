import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { DIALECTS, skipFor, testApp, type TestApp } from '../../../test/helpers.js';
import { FixedClock } from '../clock.js';
import { backoffMs, enqueue, listOutbox, MailSender } from './index.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback that keeps what it receives. */
class TestSmtp {
  readonly received: Received[] = [];
  private server: SMTPServer | null = null;
  /** Answer every RCPT with this permanent refusal (a 5xx) instead of accepting. */
  refuseWith: string | null = null;
  constructor(readonly port: number) {}

  async start(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, cb) => {
        if (this.refuseWith) return cb(Object.assign(new Error(this.refuseWith), { responseCode: 550 }));
        cb();
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
          cb();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** A loopback port nobody listens on (for now). */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** The decoded Subject header of a raw message. */
function subjectOf(raw: string): string {
  const m = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw);
  assert.ok(m, 'the message has a Subject');
  return m[1]!
    .replace(/\r?\n[ \t]/g, ' ')
    .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=\s*/gi, (_x, enc: string, text: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_y, h: string) => String.fromCharCode(parseInt(h, 16))),
    )
    .trim();
}

for (const dialect of DIALECTS) {
  describe(`mail outbox with a real SMTP server [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let port: number;
    let smtp: TestSmtp;
    const clock = new FixedClock(new Date('2026-04-01T00:00:00Z'));
    const sender = (maxAttempts = 4) =>
      new MailSender(t.handle.db, dialect, { smtpUrl: `smtp://127.0.0.1:${port}`, from: 'Kabuto <no-reply@kabuto.test>', maxAttempts, clock, baseDelayMs: 60_000, maxDelayMs: 3600_000 });
    const row = (id: number) => t.handle.db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const queue = (to: string | string[], subject: string) => t.handle.db.transaction().execute((trx) => enqueue(trx, { to, subject, text: 'Hello', meta: { test: true } }, clock));

    before(async () => {
      t = await testApp(dialect, { clock });
      port = await freePort();
      smtp = new TestSmtp(port);
    });
    after(async () => {
      await smtp?.stop();
      await t?.close();
    });
    beforeEach(async () => {
      await smtp.stop();
      smtp.received.length = 0;
      smtp.refuseWith = null;
      await t.handle.db.deleteFrom('mail_outbox').execute();
    });

    it('delivers a queued mail to the right recipient with the right subject, and records it as sent', async () => {
      await smtp.start();
      const [id] = await queue('Expat.Manager@Example.com', 'Case #7: a reply from Tokyo one-stop support');
      const s = sender();
      const r = await s.runOnce();
      await s.stop();
      assert.deepEqual(r, { claimed: 1, sent: 1, retrying: 0, failed: 0 });
      assert.equal(smtp.received.length, 1);
      assert.deepEqual(smtp.received[0]!.to, ['expat.manager@example.com']);
      assert.equal(smtp.received[0]!.from, 'no-reply@kabuto.test');
      assert.equal(subjectOf(smtp.received[0]!.raw), 'Case #7: a reply from Tokyo one-stop support');
      const after = await row(id!);
      assert.equal(after.status, 'sent');
      assert.equal(after.attempts, 1);
      assert.equal(after.sent_at, clock.now().toISOString());
      assert.equal(after.claimed_by, null);
      assert.match(after.message_id ?? '', /^<outbox-\d+\.\d+@kabuto>$/);
    });

    it('keeps a mail pending while the server is down, with the attempt counted and the next one later, then sends it exactly once when it is back', async () => {
      const [id] = await queue('staff@example.jp', 'New case #1');
      const s = sender();
      const down = await s.runOnce();
      assert.deepEqual(down, { claimed: 1, sent: 0, retrying: 1, failed: 0 });
      const waiting = await row(id!);
      assert.equal(waiting.status, 'pending');
      assert.equal(waiting.attempts, 1);
      assert.ok(waiting.next_attempt_at > clock.now().toISOString(), `next attempt ${waiting.next_attempt_at} is in the future`);
      assert.equal(waiting.next_attempt_at, new Date(clock.now().getTime() + 60_000).toISOString(), 'the first retry waits the base delay');
      assert.match(waiting.last_error ?? '', /ECONNREFUSED|connect/i);

      await smtp.start();
      assert.deepEqual(await s.runOnce(), { claimed: 0, sent: 0, retrying: 0, failed: 0 }, 'not due yet, so not tried');
      clock.advance(61_000);
      const [a, b] = await Promise.all([s.runOnce(), sender().runOnce()]);
      assert.equal(a.sent + b.sent, 1, 'two senders at once send it once between them');
      assert.deepEqual(await s.runOnce(), { claimed: 0, sent: 0, retrying: 0, failed: 0 }, 'a sent mail is never claimed again');
      await s.stop();
      assert.equal(smtp.received.length, 1, 'exactly one mail arrived');
      const sent = await row(id!);
      assert.equal(sent.status, 'sent');
      assert.equal(sent.attempts, 2);
      assert.equal(sent.last_error, null);
    });

    it('never sends one mail twice when several senders run together over many mails', async () => {
      await smtp.start();
      const recipients = Array.from({ length: 12 }, (_x, i) => `person${i}@example.jp`);
      await queue(recipients, 'Bulk');
      const senders = [sender(), sender(), sender()];
      const results = await Promise.all(senders.map((s) => s.runOnce()));
      await Promise.all(senders.map((s) => s.stop()));
      assert.equal(results.reduce((n, r) => n + r.sent, 0), 12);
      assert.deepEqual(smtp.received.map((m) => m.to[0]).sort(), [...recipients].sort());
      const { counts } = await listOutbox(t.handle.db);
      assert.deepEqual(counts, { pending: 0, sent: 12, failed: 0 });
    });

    it('backs off exponentially and marks the mail failed after the last attempt', async () => {
      const [id] = await queue('staff@example.jp', 'Retry me');
      const s = sender(3);
      const waits: number[] = [];
      for (let attempt = 1; attempt <= 3; attempt++) {
        const before = clock.now().getTime();
        await s.runOnce();
        const r = await row(id!);
        assert.equal(r.attempts, attempt);
        if (attempt < 3) {
          assert.equal(r.status, 'pending');
          waits.push(new Date(r.next_attempt_at).getTime() - before);
          clock.set(r.next_attempt_at);
        } else assert.equal(r.status, 'failed');
      }
      await s.stop();
      assert.deepEqual(waits, [60_000, 120_000]);
      assert.equal(backoffMs(10, 60_000, 3600_000), 3600_000, 'the wait is capped');
    });

    it('marks a mail failed at once when the server refuses it for good (5xx)', async () => {
      await smtp.start();
      smtp.refuseWith = 'No such user here';
      const [id] = await queue('nobody@example.jp', 'Refused');
      const s = sender();
      assert.deepEqual(await s.runOnce(), { claimed: 1, sent: 0, retrying: 0, failed: 1 });
      await s.stop();
      const r = await row(id!);
      assert.equal(r.status, 'failed');
      assert.match(r.last_error ?? '', /No such user/);
    });

    it('writes nothing when the transaction of the change rolls back', async () => {
      await assert.rejects(
        t.handle.db.transaction().execute(async (trx) => {
          await enqueue(trx, { to: 'staff@example.jp', subject: 'Phantom', text: 'x' }, clock);
          throw new Error('the change failed');
        }),
        /the change failed/,
      );
      assert.equal((await listOutbox(t.handle.db)).total, 0);
    });

    it('refuses an address that is not one and a subject that would inject a header', async () => {
      await assert.rejects(queue('not an address', 'x'), /not a mail address/);
      const [id] = await queue('staff@example.jp', 'Hello\r\nBcc: victim@example.com');
      assert.equal((await row(id!)).subject, 'Hello Bcc: victim@example.com');
    });

    it('sends nothing and keeps mail pending without an SMTP server configured', async () => {
      const [id] = await queue('staff@example.jp', 'Queued');
      const s = new MailSender(t.handle.db, dialect, { smtpUrl: null, from: 'x@kabuto.test', maxAttempts: 3, clock });
      assert.deepEqual(await s.runOnce(), { claimed: 0, sent: 0, retrying: 0, failed: 0 });
      const r = await row(id!);
      assert.equal(r.status, 'pending');
      assert.equal(r.attempts, 0);
    });
  });
}
