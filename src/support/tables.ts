import type { Generated } from 'kysely';
import type { MailTables } from '../core/mail/tables.js';

/** Kysely table types of the support domain (and of the mail outbox its migration creates). */

export interface SupportCasesTable {
  id: Generated<number>;
  /** The company in the registry (companies.id); moved by the companies.merge hook. */
  company_id: number;
  kind: string;
  title: string;
  status: string;
  assignee_id: number | null;
  due_date: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  status_changed_at: string;
  closed_at: string | null;
  personal_data_purged_at: string | null;
}

export interface SupportMessagesTable {
  id: Generated<number>;
  case_id: number;
  author_id: number | null;
  author_name: string;
  author_role: string;
  body: string;
  internal: number;
  created_at: string;
}

export interface SupportCaseEventsTable {
  id: Generated<number>;
  case_id: number;
  kind: string;
  from_value: string | null;
  to_value: string | null;
  actor_id: number | null;
  actor_label: string;
  at: string;
}

export interface SupportPersonsTable {
  id: Generated<number>;
  case_id: number;
  full_name: string;
  nationality: string | null;
  passport_number: string | null;
  residence_card_number: string | null;
  date_of_birth: string | null;
  home_address: string | null;
  created_at: string;
  updated_at: string;
}

export interface SupportAttachmentsTable {
  id: Generated<number>;
  case_id: number;
  message_id: number | null;
  filename: string;
  format: string;
  mimetype: string;
  size: number;
  key_id: string;
  content: Buffer;
  uploaded_by: number | null;
  created_at: string;
}

export interface SupportDownloadsTable {
  id: Generated<number>;
  attachment_id: number;
  case_id: number;
  user_id: number | null;
  user_label: string;
  via: string;
  request_id: string | null;
  at: string;
}

export interface SupportGuidesTable {
  id: Generated<number>;
  slug: string;
  title_ja: string;
  title_en: string;
  body_ja: string;
  body_en: string;
  published: number;
  created_at: string;
  updated_at: string;
  updated_by: number | null;
}

export interface SupportGuideCategoriesTable {
  guide_id: number;
  kind: string;
}

export interface SupportTables extends MailTables {
  support_cases: SupportCasesTable;
  support_messages: SupportMessagesTable;
  support_case_events: SupportCaseEventsTable;
  support_persons: SupportPersonsTable;
  support_attachments: SupportAttachmentsTable;
  support_downloads: SupportDownloadsTable;
  support_guides: SupportGuidesTable;
  support_guide_categories: SupportGuideCategoriesTable;
}
