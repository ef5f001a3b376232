/**
 * The outbox sender: claims due rows, sends them over SMTP, and records the outcome. Several processes
 * may run it against one database: a row is claimed (claimed_by, claimed_until) in one statement before
 * it is sent, so no two senders ever hold it at once. A failed attempt waits longer each time
 * (exponential backoff) up to a maximum number of attempts, then the mail is marked failed for staff.
 *
 * Delivery is at least once: a process that dies after the SMTP server accepted a mail but before the
 * row was marked sent leaves it to be sent again once the claim expires. The Message-ID is fixed per
 * row, so mail clients that drop duplicates by Message-ID drop that one.
 */
import { newOwner } from '../lease.js';
import nodemailer, { type Transporter } from 'nodemailer';
import type { FastifyBaseLogger } from 'fastify';
import type { Db, Dialect } from '../db/index.js';
import type { Clock } from '../clock.js';
import type { MailOutboxTable } from './tables.js';

export interface SenderOptions {
  /** smtp:// or smtps:// URL; null: nothing is sent and mail stays pending. */
  smtpUrl: string | null;
  from: string;
  maxAttempts: number;
  clock: Clock;
  log?: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  /** Rows claimed per run. */
  batchSize?: number;
  /** How long a claim holds; longer than any send can take (the SMTP timeouts below). */
  claimMs?: number;
  /** Wait after the first failed attempt; doubled after each further one, up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Who claims (default: host, process and a random suffix). */
  owner?: string;
}

export interface RunResult {
  claimed: number;
  sent: number;
  /** Failed this time, to be tried again later. */
  retrying: number;
  /** Failed for good (last attempt, or refused by the server as permanent). */
  failed: number;
}

/** Delay before the next attempt after `attempts` failed ones: base · 2^(attempts−1), capped. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

const SMTP_TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 };

function describe(err: unknown): { message: string; permanent: boolean } {
  const e = err as { message?: string; code?: string; responseCode?: number };
  const message = `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`.slice(0, 500);
  // 5xx answers (no such mailbox, relaying denied) will not change by trying again.
  return { message, permanent: typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600 };
}

export class MailSender {
  readonly owner: string;
  private transport: Transporter | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;
  private readonly batchSize: number;
  private readonly claimMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
    private readonly opts: SenderOptions,
  ) {
    this.owner = opts.owner ?? newOwner();
    this.batchSize = opts.batchSize ?? 20;
    this.claimMs = opts.claimMs ?? 5 * 60_000;
    this.baseDelayMs = opts.baseDelayMs ?? 60_000;
    this.maxDelayMs = opts.maxDelayMs ?? 6 * 3600_000;
  }

  get configured(): boolean {
    return this.opts.smtpUrl !== null;
  }

  private transporter(): Transporter {
    // The URL carries host, port, security and credentials; the timeouts bound how long a claim is needed.
    const url = new URL(this.opts.smtpUrl!);
    this.transport ??= nodemailer.createTransport({
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
      secure: url.protocol === 'smtps:',
      ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
      ...SMTP_TIMEOUTS,
    });
    return this.transport;
  }

  /** Claim due rows for this sender, in one statement. */
  private async claim(): Promise<Array<MailOutboxTable & { id: number; attempts: number }>> {
    const now = this.opts.clock.now();
    const nowIso = now.toISOString();
    const until = new Date(now.getTime() + this.claimMs).toISOString();
    const rows = await this.db
      .updateTable('mail_outbox')
      .set({ claimed_by: this.owner, claimed_until: until })
      .where('id', 'in', (eb) => {
        let due = eb
          .selectFrom('mail_outbox')
          .select('id')
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', nowIso)
          .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<=', nowIso)]))
          .orderBy('next_attempt_at')
          .orderBy('id')
          .limit(this.batchSize);
        // PostgreSQL: a row another sender is claiming right now is skipped, not waited for.
        if (this.dialect === 'postgres') due = due.forUpdate().skipLocked();
        return due;
      })
      // Checked again on the row itself, so a claim that raced ours is never taken over.
      .where('status', '=', 'pending')
      .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<=', nowIso)]))
      .returningAll()
      .execute();
    return rows as Array<MailOutboxTable & { id: number; attempts: number }>;
  }

  /** One run: claim what is due and try to send each. */
  async runOnce(): Promise<RunResult> {
    const result: RunResult = { claimed: 0, sent: 0, retrying: 0, failed: 0 };
    if (!this.configured) return result;
    const rows = await this.claim();
    result.claimed = rows.length;
    for (const row of rows) {
      const attempts = Number(row.attempts) + 1;
      const messageId = `<outbox-${row.id}.${row.created_at.replace(/[^0-9]/g, '')}@kabuto>`;
      try {
        await this.transporter().sendMail({
          from: this.opts.from,
          to: row.to_address,
          subject: row.subject,
          text: row.text_body,
          ...(row.html_body ? { html: row.html_body } : {}),
          messageId,
          headers: { 'Auto-Submitted': 'auto-generated' },
        });
        const now = this.opts.clock.now().toISOString();
        await this.db
          .updateTable('mail_outbox')
          .set({ status: 'sent', attempts, sent_at: now, last_error: null, message_id: messageId, claimed_by: null, claimed_until: null, updated_at: now })
          .where('id', '=', row.id)
          .where('claimed_by', '=', this.owner)
          .execute();
        result.sent++;
      } catch (err) {
        const { message, permanent } = describe(err);
        const now = this.opts.clock.now();
        const giveUp = permanent || attempts >= this.opts.maxAttempts;
        const next = new Date(now.getTime() + backoffMs(attempts, this.baseDelayMs, this.maxDelayMs)).toISOString();
        await this.db
          .updateTable('mail_outbox')
          .set({ status: giveUp ? 'failed' : 'pending', attempts, next_attempt_at: giveUp ? row.next_attempt_at : next, last_error: message, claimed_by: null, claimed_until: null, updated_at: now.toISOString() })
          .where('id', '=', row.id)
          .where('claimed_by', '=', this.owner)
          .execute();
        if (giveUp) result.failed++;
        else result.retrying++;
        this.opts.log?.warn({ outboxId: row.id, attempts, permanent, error: message }, giveUp ? 'mail failed for good' : 'mail not sent; will try again');
      }
    }
    return result;
  }

  /** Run every intervalMs until stop(); one run at a time. */
  start(intervalMs: number): void {
    if (this.timer || this.stopped || !this.configured) return;
    const tick = () => {
      this.running = this.runOnce()
        .catch((err: unknown) => this.opts.log?.error({ err }, 'mail outbox run failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, Math.min(intervalMs, 1000));
  }

  /** Stop the timer and wait for a run in progress; close the SMTP transport. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    this.transport?.close();
    this.transport = null;
  }
}
