import { Type, type TSchema } from 'typebox';
import { Problem } from '../core/http/schemas.js';
import { CONTACT_CHANNELS, ENTITY_TYPES, ORIGINS, SECTORS, SECTOR_GROUPS, STAGES } from './rules.js';

// Request and response schemas of the attraction API. Request bodies refuse unknown fields.

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Enum = <const T extends string[]>(values: readonly [...T], description?: string) => Type.Enum<T>(values, description ? { description } : {});
const IsoDate = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: `${description} (YYYY-MM-DD, a date in Japan)` });
const Id = (description: string) => Type.Integer({ minimum: 1, description });

export { Problem };

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const Bilingual = Type.Object({ ja: Type.String(), en: Type.String() });
const CompanyRef = Type.Object({ id: Type.Integer(), name: Bilingual, country: Type.String(), corporateNumber: Nullable(Type.String()) });
const UserRef = Type.Object({ id: Type.Integer(), name: Type.String() });
const StageSchema = Enum(STAGES);

export const CompanyInputBody = Type.Object(
  {
    corporateNumber: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
    nameJa: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    nameEn: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    kana: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    country: Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166-1 alpha-2 country of the head office; not JP' }),
    website: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    summary: Type.Optional(Nullable(Type.String({ maxLength: 4000 }))),
  },
  { additionalProperties: false, description: 'A company not yet in the registry, created in the same transaction' },
);

const companyChoice = {
  companyId: Type.Optional(Id('A company of the registry (give this or `company`)')),
  company: Type.Optional(CompanyInputBody),
  allowDuplicate: Type.Optional(Type.Boolean({ description: 'Create the new company even though the registry holds similar names (otherwise 409 with `nearDuplicates`)' })),
};

export const LeadCreateBody = Type.Object(
  {
    ...companyChoice,
    sector: Enum(SECTORS, 'Sector of the firm'),
    origin: Enum(ORIGINS, 'How the lead came to the city'),
    ownerId: Type.Optional(Id('The staff member who owns the lead (the caller when absent)')),
    notes: Type.Optional(Nullable(Type.String({ maxLength: 10000 }))),
  },
  { additionalProperties: false },
);

export const LeadPatchBody = Type.Object(
  {
    sector: Type.Optional(Enum(SECTORS)),
    origin: Type.Optional(Enum(ORIGINS)),
    ownerId: Type.Optional(Id('New owner (an active staff member)')),
    notes: Type.Optional(Nullable(Type.String({ maxLength: 10000 }))),
    firstContactDate: Type.Optional(Nullable(IsoDate('Correct the date of first contact'))),
    contactChannel: Type.Optional(Nullable(Enum(CONTACT_CHANNELS))),
    decisionDate: Type.Optional(Nullable(IsoDate('Correct the decision date'))),
    plannedEntityType: Type.Optional(Nullable(Enum(ENTITY_TYPES))),
    establishedDate: Type.Optional(Nullable(IsoDate('Correct the establishment date'))),
    officeAddress: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    entityType: Type.Optional(Nullable(Enum(ENTITY_TYPES))),
    staffCount: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    dropReason: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  },
  { additionalProperties: false, minProperties: 1, description: 'Fields of a stage can be corrected once the lead has reached it, never emptied; the stage itself moves only through /moves' },
);

export const MoveBody = Type.Object(
  {
    to: Enum(STAGES, 'The next stage, dropped, or (for a dropped lead) the stage it was dropped from'),
    note: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'Kept in the history; required to reopen a dropped lead' }))),
    firstContactDate: Type.Optional(IsoDate('to contacted: date of first contact')),
    contactChannel: Type.Optional(Enum(CONTACT_CHANNELS, 'to contacted: how the contact was made')),
    decisionDate: Type.Optional(IsoDate('to decided: date the firm decided on Tokyo')),
    plannedEntityType: Type.Optional(Enum(ENTITY_TYPES, 'to decided: planned legal form')),
    establishedDate: Type.Optional(IsoDate('to established: date of establishment (the fiscal year the plan counts it in)')),
    officeAddress: Type.Optional(Type.String({ maxLength: 500, description: 'to established: the Tokyo office' })),
    entityType: Type.Optional(Enum(ENTITY_TYPES, 'to established: legal form')),
    staffCount: Type.Optional(Type.Integer({ minimum: 0, description: 'to established: staff of the Tokyo office' })),
    dropReason: Type.Optional(Type.String({ maxLength: 2000, description: 'to dropped: why' })),
  },
  { additionalProperties: false },
);

const TaskFields = {
  title: Type.String({ maxLength: 200 }),
  dueDate: IsoDate('Due date'),
  assigneeId: Type.Optional(Id('Assignee (an active staff member); the consultation\'s staff member or the caller when absent')),
};

export const ConsultationBody = Type.Object(
  {
    date: IsoDate('Date of the consultation (not in the future)'),
    staffId: Type.Optional(Id('Staff member who held it (the caller when absent)')),
    topic: Type.String({ maxLength: 200 }),
    notes: Type.Optional(Nullable(Type.String({ maxLength: 10000 }))),
    tasks: Type.Optional(Type.Array(Type.Object(TaskFields, { additionalProperties: false }), { maxItems: 20, description: 'Follow-up tasks' })),
  },
  { additionalProperties: false },
);

export const TaskBody = Type.Object({ ...TaskFields, consultationId: Type.Optional(Nullable(Id('A consultation of the same lead'))) }, { additionalProperties: false });

export const TaskPatchBody = Type.Object(
  {
    title: Type.Optional(Type.String({ maxLength: 200 })),
    dueDate: Type.Optional(IsoDate('Due date')),
    assigneeId: Type.Optional(Id('Assignee')),
    done: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const OtherBody = Type.Object(
  {
    ...companyChoice,
    establishedDate: IsoDate('Date the firm set up in Tokyo (not in the future)'),
    sector: Enum(SECTORS),
    source: Type.String({ maxLength: 300, description: 'Who attracted the firm, or where the record comes from' }),
    note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  },
  { additionalProperties: false },
);

export const OtherPatchBody = Type.Object(
  {
    establishedDate: Type.Optional(IsoDate('Date the firm set up in Tokyo')),
    sector: Type.Optional(Enum(SECTORS)),
    source: Type.Optional(Type.String({ maxLength: 300 })),
    note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  },
  { additionalProperties: false, minProperties: 1 },
);

const SectorFilter = Enum([...SECTORS, 'financial', 'fourth-industrial'] as const, 'A sector, or a sector group (financial, fourth-industrial) for all its sectors');

export const LeadsQuery = Type.Object(
  {
    stage: Type.Optional(StageSchema),
    sector: Type.Optional(SectorFilter),
    ownerId: Type.Optional(Type.Integer({ minimum: 1 })),
    companyId: Type.Optional(Type.Integer({ minimum: 1 })),
    fiscalYear: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2200, description: 'Fiscal year (April–March)' })),
    fyBasis: Type.Optional(Type.Union([Type.Literal('created'), Type.Literal('established')], { description: 'Fiscal year of the lead\'s creation (default) or of its establishment (established leads only)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);

export const OthersQuery = Type.Object(
  {
    sector: Type.Optional(SectorFilter),
    fiscalYear: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2200, description: 'Fiscal year of the establishment date' })),
  },
  { additionalProperties: false },
);

export const TasksQuery = Type.Object({ assigneeId: Type.Optional(Type.Integer({ minimum: 1, description: 'Whose tasks (the caller when absent)' })) }, { additionalProperties: false });

const NullableString = Nullable(Type.String());

export const Lead = Type.Object({
  id: Type.Integer(),
  company: CompanyRef,
  sector: Enum(SECTORS),
  sectorGroup: Enum(SECTOR_GROUPS),
  origin: Enum(ORIGINS),
  owner: UserRef,
  stage: StageSchema,
  stageChangedAt: Type.String(),
  firstContactDate: NullableString,
  contactChannel: NullableString,
  decisionDate: NullableString,
  plannedEntityType: NullableString,
  establishedDate: NullableString,
  establishedFiscalYear: Nullable(Type.Integer()),
  officeAddress: NullableString,
  entityType: NullableString,
  staffCount: Nullable(Type.Integer()),
  dropReason: NullableString,
  droppedFrom: Nullable(StageSchema),
  notes: NullableString,
  createdAt: Type.String(),
  createdFiscalYear: Type.Integer(),
  updatedAt: Type.String(),
});

export const Task = Type.Object({
  id: Type.Integer(),
  leadId: Type.Integer(),
  consultationId: Nullable(Type.Integer()),
  title: Type.String(),
  dueDate: Type.String(),
  assignee: UserRef,
  done: Type.Boolean(),
  doneAt: NullableString,
  createdAt: Type.String(),
});

export const Consultation = Type.Object({
  id: Type.Integer(),
  leadId: Type.Integer(),
  date: Type.String(),
  staff: UserRef,
  topic: Type.String(),
  notes: NullableString,
  createdAt: Type.String(),
  tasks: Type.Array(Task),
});

export const LeadDetail = Type.Object({
  ...Lead.properties,
  history: Type.Array(Type.Object({ id: Type.Integer(), from: Nullable(StageSchema), to: StageSchema, note: NullableString, by: Type.String(), at: Type.String() })),
  consultations: Type.Array(Consultation),
  tasks: Type.Array(Task),
  allowedMoves: Type.Array(StageSchema),
  exitCriteria: Type.Array(Type.Object({ field: Type.String(), met: Type.Boolean() })),
});

export const LeadList = Type.Object({ total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer(), items: Type.Array(Lead) });

const TaskWithLead = Type.Object({ ...Task.properties, company: CompanyRef });
export const MyTasks = Type.Object({ today: Type.String(), upcomingUntil: Type.String(), overdue: Type.Array(TaskWithLead), upcoming: Type.Array(TaskWithLead) });

export const Other = Type.Object({
  id: Type.Integer(),
  company: CompanyRef,
  establishedDate: Type.String(),
  establishedFiscalYear: Type.Integer(),
  sector: Enum(SECTORS),
  sectorGroup: Enum(SECTOR_GROUPS),
  source: Type.String(),
  note: NullableString,
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export const OtherList = Type.Object({ items: Type.Array(Other) });
