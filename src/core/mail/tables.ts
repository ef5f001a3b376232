import type { Generated } from 'kysely';

/** The outbox: one row per mail and recipient, written in the transaction of the change it tells about. */
export interface MailOutboxTable {
  id: Generated<number>;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  meta_json: string | null;
  status: 'pending' | 'sent' | 'failed';
  attempts: Generated<number>;
  next_attempt_at: string;
  claimed_by: string | null;
  claimed_until: string | null;
  sent_at: string | null;
  last_error: string | null;
  message_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface MailTables {
  mail_outbox: MailOutboxTable;
}
