import { Type } from 'typebox';
import { Problem } from '../../core/http/schemas.js';

// Request and response schemas of the harvest API. Bodies refuse unknown fields; the service checks
// what a schema cannot (the organization exists, the name is free, the config's values).

export const STAFF = ['staff', 'admin'] as const;

const Config = Type.Object(
  {
    format: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('jsonld'), Type.Literal('turtle'), Type.Literal('rdfxml')])),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    orgMap: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: false },
);

const Kind = Type.Union([Type.Literal('ckan'), Type.Literal('dcat')]);
const Schedule = Type.Union([Type.Literal('manual'), Type.Literal('daily'), Type.Literal('weekly'), Type.Literal('monthly')]);

export const SourceBody = Type.Object(
  {
    name: Type.String({ maxLength: 60 }),
    title: Type.Optional(Type.String({ maxLength: 200 })),
    kind: Kind,
    url: Type.String({ maxLength: 2000 }),
    organization: Type.String({ maxLength: 200, description: 'Organization id or name the datasets go to' }),
    schedule: Type.Optional(Schedule),
    config: Type.Optional(Config),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const SourcePatch = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 60 })),
    title: Type.Optional(Type.String({ maxLength: 200 })),
    kind: Type.Optional(Kind),
    url: Type.Optional(Type.String({ maxLength: 2000 })),
    organization: Type.Optional(Type.String({ maxLength: 200 })),
    schedule: Type.Optional(Schedule),
    config: Type.Optional(Config),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const SourceResponse = Type.Object({
  id: Type.String(),
  name: Type.String(),
  title: Type.String(),
  kind: Kind,
  url: Type.String(),
  organization: Type.String(),
  schedule: Schedule,
  config: Type.Object({}, { additionalProperties: true }),
  active: Type.Boolean(),
  created_at: Type.String(),
  updated_at: Type.String(),
  last_run_id: Type.Union([Type.Integer(), Type.Null()]),
  last_run_at: Nullable(Type.String()),
  last_status: Nullable(Type.String()),
  last_success_at: Nullable(Type.String()),
  high_water: Nullable(Type.String()),
  next_run_at: Nullable(Type.String()),
  running: Type.Optional(Type.Boolean()),
});

export const RunResponse = Type.Object({
  id: Type.Integer(),
  source_id: Type.String(),
  status: Type.String(),
  trigger: Type.String(),
  full: Type.Boolean(),
  started_at: Type.String(),
  finished_at: Nullable(Type.String()),
  seen: Type.Integer(),
  added: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  deleted: Type.Integer(),
  failed: Type.Integer(),
  requests: Type.Integer(),
  message: Type.String(),
  report: Type.Object({
    errors: Type.Array(Type.Object({ remoteId: Type.String(), name: Type.String(), reason: Type.String() })),
    pages: Type.Array(Type.Object({ url: Type.String(), reason: Type.String() })),
    moreErrors: Type.Integer(),
  }),
});

export const SourceParams = Type.Object({ source: Type.String({ maxLength: 100 }) });
export const RunParams = Type.Object({ source: Type.String({ maxLength: 100 }), run: Type.Integer({ minimum: 1 }) });
export const RunBody = Type.Object({ full: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export const RunsQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })), offset: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false });
export const StartedResponse = Type.Object({ run: Type.Integer(), href: Type.String() });

export { Problem };
