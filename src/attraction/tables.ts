import type { Generated } from 'kysely';

/** Kysely table types of the attraction domain. */

export interface AttractionLeadsTable {
  id: Generated<number>;
  /** The company in the registry (companies.id); moved by the companies.merge hook. */
  company_id: number;
  sector: string;
  origin: string;
  owner_id: number;
  stage: string;
  stage_changed_at: string;
  first_contact_date: string | null;
  contact_channel: string | null;
  decision_date: string | null;
  planned_entity_type: string | null;
  established_date: string | null;
  office_address: string | null;
  entity_type: string | null;
  staff_count: number | null;
  drop_reason: string | null;
  /** The stage a dropped lead was in (a reopen returns it there). */
  dropped_from: string | null;
  notes: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface AttractionStageHistoryTable {
  id: Generated<number>;
  lead_id: number;
  from_stage: string | null;
  to_stage: string;
  note: string | null;
  actor_id: number | null;
  actor_label: string;
  at: string;
}

export interface AttractionConsultationsTable {
  id: Generated<number>;
  lead_id: number;
  date: string;
  staff_id: number;
  topic: string;
  notes: string | null;
  created_by: number | null;
  created_at: string;
}

export interface AttractionTasksTable {
  id: Generated<number>;
  lead_id: number;
  consultation_id: number | null;
  title: string;
  due_date: string;
  assignee_id: number;
  done: number;
  done_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface AttractionOtherEstablishmentsTable {
  id: Generated<number>;
  company_id: number;
  established_date: string;
  sector: string;
  source: string;
  note: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface AttractionTables {
  attraction_leads: AttractionLeadsTable;
  attraction_stage_history: AttractionStageHistoryTable;
  attraction_consultations: AttractionConsultationsTable;
  attraction_tasks: AttractionTasksTable;
  attraction_other_establishments: AttractionOtherEstablishmentsTable;
}
