/**
 * The mail outbox. A module that wants to tell someone about a change writes the mail here, in the
 * transaction of the change: the mail exists exactly when the change does, and a process that dies
 * before sending loses nothing (the sender picks the row up on its next run, in any process).
 */
import { sql } from 'kysely';
import type { DbOrTrx } from '../db/index.js';
import { systemClock, type Clock } from '../clock.js';
import type { MailOutboxTable } from './tables.js';

export interface OutgoingMail {
  /** One address or several; each recipient gets a row of their own (and never sees the others). */
  to: string | readonly string[];
  subject: string;
  text: string;
  html?: string;
  /** What the mail is about, for the staff outbox page (e.g. { module: 'support', caseId: 12 }). Never personal data. */
  meta?: Record<string, string | number | boolean | null>;
}

export type MailStatus = MailOutboxTable['status'];
export const MAIL_STATUSES: readonly MailStatus[] = ['pending', 'sent', 'failed'];

const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$|^[^\s@<>(),;:"]+@localhost$/;

export function isMailAddress(v: string): boolean {
  return ADDRESS.test(v);
}

/**
 * Queue a mail inside `trx` (the transaction of the change it tells about). Returns the outbox ids,
 * one per recipient. Give the app's clock, so the mail is due at the time the app stands on.
 */
export async function enqueue(trx: DbOrTrx, mail: OutgoingMail, clock: Clock = systemClock): Promise<number[]> {
  const recipients = [...new Set((typeof mail.to === 'string' ? [mail.to] : mail.to).map((a) => a.trim().toLowerCase()))];
  for (const a of recipients) if (!isMailAddress(a)) throw new Error(`not a mail address: ${JSON.stringify(a)}`);
  if (!recipients.length) return [];
  // A line break in a subject would start a new header.
  const subject = mail.subject.replace(/[\r\n]+/g, ' ').trim();
  const now = clock.now().toISOString();
  const rows = await trx
    .insertInto('mail_outbox')
    .values(
      recipients.map((to) => ({
        to_address: to,
        subject,
        text_body: mail.text,
        html_body: mail.html ?? null,
        meta_json: mail.meta ? JSON.stringify(mail.meta) : null,
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: now,
        claimed_by: null,
        claimed_until: null,
        sent_at: null,
        last_error: null,
        message_id: null,
        created_at: now,
        updated_at: now,
      })),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** An outbox row as the staff page and the API show it (bodies left out). */
export interface OutboxEntry {
  id: number;
  to: string;
  subject: string;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: string | null;
  sentAt: string | null;
  lastError: string | null;
  meta: Record<string, unknown> | null;
  createdAt: string;
}

type Row = Pick<MailOutboxTable, 'to_address' | 'subject' | 'status' | 'next_attempt_at' | 'sent_at' | 'last_error' | 'meta_json' | 'created_at'> & { id: number; attempts: number };

export function toEntry(r: Row): OutboxEntry {
  return {
    id: r.id,
    to: r.to_address,
    subject: r.subject,
    status: r.status,
    attempts: Number(r.attempts),
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
    sentAt: r.sent_at,
    lastError: r.last_error,
    meta: r.meta_json ? (JSON.parse(r.meta_json) as Record<string, unknown>) : null,
    createdAt: r.created_at,
  };
}

export interface OutboxQuery {
  status?: MailStatus;
  limit?: number;
  offset?: number;
}

/** Newest first, with the count of each status. */
export async function listOutbox(db: DbOrTrx, q: OutboxQuery = {}): Promise<{ total: number; counts: Record<MailStatus, number>; items: OutboxEntry[] }> {
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
  const offset = Math.max(q.offset ?? 0, 0);
  let query = db.selectFrom('mail_outbox').select(['id', 'to_address', 'subject', 'status', 'attempts', 'next_attempt_at', 'sent_at', 'last_error', 'meta_json', 'created_at']);
  if (q.status) query = query.where('status', '=', q.status);
  const items = await query.orderBy('id', 'desc').limit(limit).offset(offset).execute();
  const grouped = await db.selectFrom('mail_outbox').select(['status', sql<number>`count(*)`.as('n')]).groupBy('status').execute();
  const counts: Record<MailStatus, number> = { pending: 0, sent: 0, failed: 0 };
  for (const g of grouped) counts[g.status] = Number(g.n);
  return { total: q.status ? counts[q.status] : counts.pending + counts.sent + counts.failed, counts, items: items.map(toEntry) };
}

export async function getOutboxEntry(db: DbOrTrx, id: number): Promise<OutboxEntry | undefined> {
  const r = await db.selectFrom('mail_outbox').select(['id', 'to_address', 'subject', 'status', 'attempts', 'next_attempt_at', 'sent_at', 'last_error', 'meta_json', 'created_at']).where('id', '=', id).executeTakeFirst();
  return r && toEntry(r);
}

/** Put a failed mail back in the queue with a fresh series of attempts. Returns false unless it was failed. */
export async function requeue(db: DbOrTrx, id: number, clock: Clock = systemClock): Promise<boolean> {
  const now = clock.now().toISOString();
  const r = await db
    .updateTable('mail_outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, claimed_by: null, claimed_until: null, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
