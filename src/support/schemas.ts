import { Type, type TSchema } from 'typebox';
import { Problem } from '../core/http/schemas.js';
import { KINDS, STATUSES } from './rules.js';

// Request and response schemas of the support API. Request bodies refuse unknown fields.

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Enum = <const T extends string[]>(values: readonly [...T], description?: string) => Type.Enum<T>(values, description ? { description } : {});
const IsoDate = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: `${description} (YYYY-MM-DD, a date in Japan)` });

export { Problem };

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const AttachmentParams = Type.Object({ id: Type.Integer({ minimum: 1 }), attachmentId: Type.Integer({ minimum: 1 }) });
export const PersonParams = Type.Object({ id: Type.Integer({ minimum: 1 }), personId: Type.Integer({ minimum: 1 }) });
export const SlugParams = Type.Object({ slug: Type.String({ maxLength: 80 }) });

const KindSchema = Enum(KINDS, 'incorporation, financial-licence (financial licence registration), residence-status, tax, office, living (housing, international schools, English-speaking doctors)');
const StatusSchema = Enum(STATUSES);
const Bilingual = Type.Object({ ja: Type.String(), en: Type.String() });
const UserRef = Type.Object({ id: Type.Integer(), name: Type.String() });
const CompanyRef = Type.Object({ id: Type.Integer(), name: Bilingual });
const NullableString = Nullable(Type.String());

const personFields = {
  fullName: Type.String({ minLength: 1, maxLength: 200, description: 'Name as in the passport' }),
  nationality: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
  passportNumber: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
  residenceCardNumber: Type.Optional(Nullable(Type.String({ maxLength: 40, description: 'Two letters, eight digits, two letters (e.g. AB12345678CD)' }))),
  dateOfBirth: Type.Optional(Nullable(IsoDate('Date of birth'))),
  homeAddress: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
};

export const PersonBody = Type.Object(personFields, { additionalProperties: false, description: 'A person the case concerns. Personal data: kept only until the retention period after closing, never exported or written to the audit log' });
export const PersonPatchBody = Type.Partial(PersonBody, { additionalProperties: false, minProperties: 1 });

export const Person = Type.Object({
  id: Type.Integer(),
  fullName: Type.String(),
  nationality: NullableString,
  passportNumber: NullableString,
  residenceCardNumber: NullableString,
  dateOfBirth: NullableString,
  homeAddress: NullableString,
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const CaseCreateBody = Type.Object(
  {
    companyId: Type.Optional(Type.Integer({ minimum: 1, description: 'Staff: the company of the registry the case is for (required). Members: their own company (may be left out)' })),
    kind: KindSchema,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.String({ minLength: 1, maxLength: 20000, description: 'The first message of the thread' }),
    assigneeId: Type.Optional(Nullable(Type.Integer({ minimum: 1, description: 'Staff only: an active staff member' }))),
    dueDate: Type.Optional(Nullable(IsoDate('Staff only: due date'))),
    persons: Type.Optional(Type.Array(PersonBody, { maxItems: 20 })),
  },
  { additionalProperties: false },
);

export const CasePatchBody = Type.Object(
  {
    status: Type.Optional(StatusSchema),
    assigneeId: Type.Optional(Nullable(Type.Integer({ minimum: 1, description: 'Staff only' }))),
    dueDate: Type.Optional(Nullable(IsoDate('Staff only: due date'))),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Staff only' })),
    kind: Type.Optional(KindSchema),
  },
  { additionalProperties: false, minProperties: 1, description: 'Members may only close a resolved case or reopen it (status); the other fields are staff only' },
);

export const MessageBody = Type.Object(
  {
    body: Type.String({ minLength: 1, maxLength: 20000 }),
    internal: Type.Optional(Type.Boolean({ description: 'Staff only: a note the company never sees' })),
  },
  { additionalProperties: false },
);

export const CasesQuery = Type.Object(
  {
    status: Type.Optional(Enum([...STATUSES, 'active'] as const, 'A status, or active (every status but closed)')),
    kind: Type.Optional(KindSchema),
    assigneeId: Type.Optional(Type.Integer({ minimum: 0, description: 'A staff member, or 0 for cases nobody is assigned to' })),
    companyId: Type.Optional(Type.Integer({ minimum: 1 })),
    overdue: Type.Optional(Type.Boolean({ description: 'Only cases past their due date and not yet resolved' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);

const CaseSummaryFields = {
  id: Type.Integer(),
  company: CompanyRef,
  kind: KindSchema,
  title: Type.String(),
  status: StatusSchema,
  assignee: Nullable(UserRef),
  dueDate: NullableString,
  overdue: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  closedAt: NullableString,
  personalDataPurgedAt: NullableString,
};
export const CaseSummary = Type.Object(CaseSummaryFields);
export const CaseList = Type.Object({ total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer(), items: Type.Array(CaseSummary) });

export const Attachment = Type.Object({
  id: Type.Integer(),
  messageId: Nullable(Type.Integer()),
  filename: Type.String(),
  format: Type.String(),
  mimetype: Type.String(),
  size: Type.Integer(),
  uploadedBy: Nullable(UserRef),
  createdAt: Type.String(),
});

const Message = Type.Object({
  id: Type.Integer(),
  author: Type.Object({ id: Nullable(Type.Integer()), name: Type.String(), role: Enum(['staff', 'company'] as const) }),
  body: Type.String(),
  internal: Type.Boolean(),
  createdAt: Type.String(),
  attachments: Type.Array(Attachment),
});

const Event = Type.Object({
  at: Type.String(),
  kind: Type.String({ description: 'opened, status, assigned, due-date, purged' }),
  from: NullableString,
  to: NullableString,
  actor: Type.Object({ name: NullableString, role: Enum(['staff', 'company', 'system'] as const) }),
});

export const Download = Type.Object({ at: Type.String(), attachmentId: Type.Integer(), filename: NullableString, user: Type.Object({ id: Nullable(Type.Integer()), label: Type.String() }), via: Type.String() });

export const CaseDetail = Type.Object({
  ...CaseSummaryFields,
  messages: Type.Array(Message),
  attachments: Type.Array(Attachment),
  persons: Type.Array(Person),
  history: Type.Array(Event),
  allowedStatuses: Type.Array(StatusSchema),
  downloads: Type.Optional(Type.Array(Download)),
});

export const Guide = Type.Object({
  id: Type.Integer(),
  slug: Type.String(),
  title: Bilingual,
  body: Bilingual,
  categories: Type.Array(KindSchema),
  published: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const GuidesQuery = Type.Object(
  {
    kind: Type.Optional(KindSchema),
    all: Type.Optional(Type.Boolean({ description: 'Staff: drafts too' })),
  },
  { additionalProperties: false },
);

const guideFields = {
  slug: Type.String({ minLength: 1, maxLength: 80, pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', description: 'Lower-case letters, digits and dashes; the guide is at /support/guides/{slug}' }),
  titleJa: Type.String({ minLength: 1, maxLength: 200 }),
  titleEn: Type.String({ minLength: 1, maxLength: 200 }),
  bodyJa: Type.String({ minLength: 1, maxLength: 50000, description: 'Plain text or a safe subset of Markdown (raw HTML is shown as text)' }),
  bodyEn: Type.String({ minLength: 1, maxLength: 50000 }),
  categories: Type.Optional(Type.Array(KindSchema, { maxItems: KINDS.length, uniqueItems: true })),
  published: Type.Optional(Type.Boolean()),
};
export const GuideBody = Type.Object(guideFields, { additionalProperties: false });
export const GuidePatchBody = Type.Partial(GuideBody, { additionalProperties: false, minProperties: 1 });

export const OutboxQuery = Type.Object(
  {
    status: Type.Optional(Enum(['pending', 'sent', 'failed'] as const)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);

export const OutboxEntry = Type.Object({
  id: Type.Integer(),
  to: Type.String(),
  subject: Type.String(),
  status: Enum(['pending', 'sent', 'failed'] as const),
  attempts: Type.Integer(),
  nextAttemptAt: NullableString,
  sentAt: NullableString,
  lastError: NullableString,
  meta: Nullable(Type.Record(Type.String(), Type.Unknown())),
  createdAt: Type.String(),
});

export const OutboxList = Type.Object({
  total: Type.Integer(),
  counts: Type.Object({ pending: Type.Integer(), sent: Type.Integer(), failed: Type.Integer() }),
  smtpConfigured: Type.Boolean({ description: 'false: SMTP_URL is not set, and mail stays pending' }),
  items: Type.Array(OutboxEntry),
});

export const PurgeResult = Type.Object({ cases: Type.Integer(), persons: Type.Integer(), attachments: Type.Integer(), caseIds: Type.Array(Type.Integer()) });
