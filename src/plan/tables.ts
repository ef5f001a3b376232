import type { Generated } from 'kysely';

export type IndicatorKind = 'cumulative' | 'annual' | 'range' | 'milestone';
export type Confidence = 'high' | 'medium' | 'low';

export interface PlansTable {
  id: string;
  title_ja: string;
  title_en: string;
  from_fy: number;
  to_fy: number;
  document_json: string;
  content_hash: string;
  source_file: string;
  imported_at: string;
}

export interface PlanTargetGroupsTable {
  plan_id: string;
  number: number;
  name_ja: string;
  name_en: string;
}

export interface PlanIndicatorsTable {
  id: string;
  name_ja: string;
  name_en: string;
  kind: IndicatorKind;
  unit_ja: string | null;
  unit_en: string | null;
  group_number: number | null;
  binding: 'manual' | 'metric';
  metric_name: string | null;
  metric_params_json: string | null;
  position: number;
}

export interface PlanTargetsTable {
  id: string;
  plan_id: string;
  group_number: number;
  number: string;
  indicator_id: string;
  name_ja: string;
  name_en: string;
  year_basis: 'fiscal' | 'calendar';
  target_year: number;
  target_year_text: string;
  value: number | null;
  min_value: number | null;
  max_value: number | null;
  imported_value: number | null;
  unit_ja: string | null;
  unit_en: string | null;
  value_text_ja: string;
  status_ja: string | null;
  status_en: string | null;
  comparison_ja: string | null;
  comparison_en: string | null;
  kind_text: string;
  kind_confidence: string;
  kind_basis: string | null;
  beyond_plan_period: number;
  related_rows_json: string;
  baseline_ids_json: string;
  position: number;
}

export interface PlanTargetRevisionsTable {
  id: Generated<number>;
  target_id: string;
  old_value: number | null;
  new_value: number;
  effective_fy: number;
  reason: string;
  source: 'staff' | 'import';
  actor_id: number | null;
  actor_label: string;
  at: string;
}

export interface PlanBaselinesTable {
  id: string;
  plan_id: string;
  indicator_ja: string;
  indicator_en: string;
  value: number | null;
  unit_ja: string | null;
  unit_en: string | null;
  text_ja: string;
  from_fy: number | null;
  to_fy: number | null;
  aggregation: string | null;
  is_estimate: number;
  context_ja: string | null;
  context_en: string | null;
  data_source_ja: string | null;
  data_source_en: string | null;
  related_targets_json: string;
}

export interface PlanPolicyDevelopmentsTable {
  plan_id: string;
  number: number;
  title_ja: string;
  title_en: string;
  intro_ja: string | null;
  intro_en: string | null;
}

export interface PlanSubsectionsTable {
  plan_id: string;
  development: number;
  number: number;
  title_ja: string;
  title_en: string;
}

export interface PlanInitiativesTable {
  id: string;
  plan_id: string;
  development: number;
  subsection: number;
  position: number;
  text_ja: string;
  summary_en: string;
}

export interface PlanAnnualRowsTable {
  id: string;
  plan_id: string;
  development: number;
  position: number;
  area_ja: string;
  area_en: string;
  item_ja: string;
  item_en: string;
  status_json: string;
  status_is_estimate: number;
  goal_json: string;
  confidence: string;
  notes_json: string;
  related_targets_json: string;
}

export interface PlanMilestonesTable {
  id: Generated<number>;
  row_id: string;
  item: number;
  label_ja: string | null;
  label_en: string | null;
  fiscal_year: number;
  cell_kind: 'value' | 'text' | 'ongoing';
  value: number | null;
  unit_ja: string | null;
  unit_en: string | null;
  text_ja: string | null;
  text_en: string | null;
  confidence: string;
  note: string | null;
}

export interface PlanMeasurementsTable {
  id: Generated<number>;
  indicator_id: string;
  period_basis: 'fiscal' | 'calendar';
  period: number;
  value: number;
  source: string;
  as_of: string;
  provisional: number;
  note: string | null;
  entered_by: number | null;
  entered_by_label: string;
  entered_at: string;
}

export interface PlanSnapshotsTable {
  indicator_id: string;
  fiscal_year: number;
  value: number | null;
  frozen_at: string;
  frozen_by_label: string;
}

export interface PlanTables {
  plans: PlansTable;
  plan_target_groups: PlanTargetGroupsTable;
  plan_indicators: PlanIndicatorsTable;
  plan_targets: PlanTargetsTable;
  plan_target_revisions: PlanTargetRevisionsTable;
  plan_baselines: PlanBaselinesTable;
  plan_policy_developments: PlanPolicyDevelopmentsTable;
  plan_subsections: PlanSubsectionsTable;
  plan_initiatives: PlanInitiativesTable;
  plan_annual_rows: PlanAnnualRowsTable;
  plan_milestones: PlanMilestonesTable;
  plan_measurements: PlanMeasurementsTable;
  plan_snapshots: PlanSnapshotsTable;
}
