import { Type } from 'typebox';
import { Problem } from '../core/http/schemas.js';

// Request and response schemas of the plan API. Request bodies refuse unknown fields.

export const Bilingual = Type.Object({ ja: Type.String(), en: Type.String() });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const IndicatorParams = Type.Object({ id: Type.String({ maxLength: 100, description: 'Indicator id, e.g. IND-FOREIGN-FINANCIAL-ATTRACTION' }) });
export const TargetParams = Type.Object({ id: Type.String({ maxLength: 100, description: 'Target id, e.g. T1-01' }) });

export const MeasurementBody = Type.Object(
  {
    period: Type.Integer({ description: 'Fiscal year (or calendar year for milestone indicators) the figure is for' }),
    value: Type.Number({ description: 'For cumulative indicators the count within that year; for annual and range indicators the year\'s figure; for milestones 1 = done, 0 = not yet' }),
    source: Type.String({ minLength: 1, maxLength: 500, description: 'Where the figure comes from (statistic, report, URL)' }),
    asOf: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Date the figure is as of (YYYY-MM-DD); today when absent' })),
    provisional: Type.Optional(Type.Boolean({ description: 'A preliminary figure that may change' })),
    note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  },
  { additionalProperties: false },
);

export const RevisionBody = Type.Object(
  {
    newValue: Type.Number({ description: 'The revised target value' }),
    effectiveFiscalYear: Type.Integer({ description: 'First fiscal year the new value applies to' }),
    reason: Type.String({ minLength: 3, maxLength: 2000, description: 'Why the target changes' }),
  },
  { additionalProperties: false },
);

export const SnapshotBody = Type.Object({ fiscalYear: Type.Integer({ description: 'A fiscal year that has ended' }) }, { additionalProperties: false });

export const BindingBody = Type.Object(
  {
    metric: Nullable(Type.String({ maxLength: 200, description: 'A registered metric name, or null for figures entered by staff' })),
    params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Array(Type.String())]))),
  },
  { additionalProperties: false },
);

const Revision = Type.Object({
  id: Type.Integer(),
  oldValue: Nullable(Type.Number()),
  newValue: Type.Number(),
  effectiveFiscalYear: Type.Integer(),
  reason: Type.String(),
  source: Type.Union([Type.Literal('staff'), Type.Literal('import')]),
  by: Type.String(),
  at: Type.String(),
});

const Target = Type.Object({
  id: Type.String(),
  label: Type.String(),
  group: Type.Integer(),
  number: Type.String(),
  name: Bilingual,
  yearBasis: Type.Union([Type.Literal('fiscal'), Type.Literal('calendar')]),
  year: Type.Integer(),
  yearText: Type.String(),
  value: Nullable(Type.Number()),
  plannedValue: Nullable(Type.Number()),
  min: Nullable(Type.Number()),
  max: Nullable(Type.Number()),
  unit: Nullable(Bilingual),
  valueText: Type.String(),
  statusText: Nullable(Bilingual),
  comparison: Nullable(Bilingual),
  kindText: Type.String(),
  kindConfidence: Type.String(),
  kindBasis: Nullable(Type.String()),
  beyondPlanPeriod: Type.Boolean(),
  revisions: Type.Array(Revision),
});

const Actual = Type.Object({
  year: Type.Integer(),
  value: Type.Number(),
  cumulative: Nullable(Type.Number()),
  source: Type.String(),
  asOf: Nullable(Type.String()),
  provisional: Type.Boolean(),
  note: Nullable(Type.String()),
  frozen: Type.Boolean(),
});

export const Measurement = Type.Object({
  id: Type.Integer(),
  period: Type.Integer(),
  periodBasis: Type.Union([Type.Literal('fiscal'), Type.Literal('calendar')]),
  value: Type.Number(),
  source: Type.String(),
  asOf: Type.String(),
  provisional: Type.Boolean(),
  note: Nullable(Type.String()),
  enteredBy: Type.String(),
  enteredAt: Type.String(),
  superseded: Type.Boolean(),
});

const Status = Type.Object({
  code: Type.Union(['achieved', 'on_track', 'at_risk', 'off_track', 'no_data', 'no_interim_target'].map((c) => Type.Literal(c))),
  year: Nullable(Type.Integer()),
  actual: Nullable(Type.Number()),
  expected: Nullable(Type.Number()),
  ratio: Nullable(Type.Number()),
  targetYear: Nullable(Type.Integer()),
  targetValue: Nullable(Type.Number()),
});

const TrajectoryPoint = Type.Object({ year: Type.Integer(), value: Type.Number(), basis: Type.Union([Type.Literal('annual-plan'), Type.Literal('line'), Type.Literal('target')]) });
const Forecast = Type.Object({ year: Type.Integer(), value: Type.Number(), method: Type.Union([Type.Literal('average-pace'), Type.Literal('linear-trend'), Type.Literal('last-value')]) });
const Binding = Type.Union([
  Type.Object({ type: Type.Literal('manual') }),
  Type.Object({ type: Type.Literal('metric'), metric: Type.String(), params: Type.Record(Type.String(), Type.Unknown()), description: Bilingual }),
]);

export const IndicatorSummary = Type.Object({
  id: Type.String(),
  name: Bilingual,
  kind: Type.Union([Type.Literal('cumulative'), Type.Literal('annual'), Type.Literal('range'), Type.Literal('milestone')]),
  unit: Nullable(Bilingual),
  group: Type.Object({ number: Type.Integer(), name: Bilingual }),
  periodBasis: Type.Union([Type.Literal('fiscal'), Type.Literal('calendar')]),
  fromYear: Type.Integer(),
  binding: Binding,
  targets: Type.Array(Target),
  trajectory: Type.Array(TrajectoryPoint, { description: 'Expected value per year: running total (cumulative) or the year\'s value (annual)' }),
  latest: Nullable(Actual),
  status: Status,
  progress: Nullable(Type.Number({ description: 'Share of the governing target reached, 0..1' })),
  forecast: Nullable(Forecast),
});

export const IndicatorDetail = Type.Intersect([
  IndicatorSummary,
  Type.Object({
    actuals: Type.Array(Actual),
    measurements: Type.Array(Measurement),
    baselines: Type.Array(Type.Object({ id: Type.String(), text: Type.String(), value: Nullable(Type.Number()), fromFiscalYear: Nullable(Type.Integer()), toFiscalYear: Nullable(Type.Integer()), isEstimate: Type.Boolean() }, { additionalProperties: true })),
    relatedRows: Type.Array(Type.Object({ id: Type.String(), development: Type.Integer(), area: Bilingual, item: Bilingual, confidence: Type.String() })),
  }),
]);

export const PlanResponse = Type.Object({
  plan: Type.Object({
    id: Type.String(),
    title: Bilingual,
    fromFiscalYear: Type.Integer(),
    toFiscalYear: Type.Integer(),
    currentFiscalYear: Type.Integer(),
    acceptedYears: Type.Object({ min: Type.Integer(), max: Type.Integer() }),
    budget: Type.Unknown(),
    reviewRules: Type.Unknown(),
    groups: Type.Array(Type.Object({ number: Type.Integer(), name: Bilingual, indicatorIds: Type.Array(Type.String()) })),
  }),
  indicators: Type.Array(IndicatorSummary),
});

export const RevisionResponse = Revision;
export const SnapshotResponse = Type.Object({ indicatorId: Type.String(), fiscalYear: Type.Integer(), value: Nullable(Type.Number()) });
export const MetricList = Type.Array(Type.Object({ name: Type.String(), module: Type.String(), description: Bilingual, params: Type.Unknown() }));

export { Problem };
