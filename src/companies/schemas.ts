import { Type } from 'typebox';
import { Problem } from '../core/http/schemas.js';

// Request and response schemas of the companies API. Request bodies refuse unknown fields; the
// service checks what a schema cannot (the check digit, JSIC codes, countries, municipalities).

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Str = (maxLength: number, description: string) => Type.Optional(Nullable(Type.String({ maxLength, description })));

const fields = {
  corporateNumber: Str(20, '法人番号: 13 digits, the first a check digit (hyphens and spaces are ignored)'),
  nameJa: Str(200, 'Legal name in Japanese'),
  nameEn: Str(200, 'Legal name in English (Latin letters)'),
  kana: Str(200, 'Reading of the Japanese name in katakana (hiragana is converted)'),
  lgCode: Str(6, 'Local government code of the head/registered office municipality (6 digits with check digit); derived from a Tokyo addressJa when absent'),
  registeredInTokyo: Type.Optional(Type.Boolean({ description: 'Head or registered office in Tokyo; derived from lgCode (starting 13) when absent' })),
  jsicMajor: Str(1, 'JSIC major group, A–T'),
  jsicDivision: Str(2, 'JSIC division, 2 digits (the major group is derived when absent)'),
  employees: Type.Optional(Nullable(Type.Integer({ minimum: 0, description: 'Number of employees' }))),
  capitalYen: Type.Optional(Nullable(Type.Integer({ minimum: 0, description: 'Capital in yen' }))),
  postalCode: Str(20, 'Postal code (Japanese codes are stored as 123-4567)'),
  addressJa: Str(300, 'Address in Japanese'),
  addressEn: Str(300, 'Address in English'),
  website: Str(500, 'Website (https://…)'),
  summary: Str(4000, 'Business summary'),
};

export const CompanyBody = Type.Object({ ...fields, country: Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166-1 alpha-2 country of origin, JP for Japan' }) }, { additionalProperties: false });
export const CompanyPatch = Type.Object({ ...fields, country: Type.Optional(Type.String({ minLength: 2, maxLength: 2 })) }, { additionalProperties: false, minProperties: 1 });
export const MergeBody = Type.Object({ from: Type.Integer({ minimum: 1, description: 'Id of the company merged into this one (it redirects here afterwards)' }) }, { additionalProperties: false });
export const ContactBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    email: Str(254, 'Email address'),
    phone: Str(30, 'Phone number'),
    role: Str(100, 'Role or department'),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, description: 'Company id' }) });
export const ContactParams = Type.Object({ id: Type.Integer({ minimum: 1 }), contactId: Type.Integer({ minimum: 1 }) });

export const SearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of a name in Japanese, English or kana (two characters or more); a 法人番号 searches by number' })),
    corporateNumber: Type.Optional(Type.String({ maxLength: 20, description: 'All 13 digits, or the leading digits' })),
    jsicMajor: Type.Optional(Type.String({ maxLength: 1 })),
    jsicDivision: Type.Optional(Type.String({ maxLength: 2 })),
    country: Type.Optional(Type.String({ maxLength: 2 })),
    registeredInTokyo: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);

const Identifier = Type.Object({ scheme: Type.String({ description: 'JP-JCN for the 法人番号 (as OCDS names it)' }), id: Type.String() });

export const CompanyResponse = Type.Object({
  id: Type.Integer(),
  corporateNumber: Nullable(Type.String()),
  corporateNumberFormatted: Nullable(Type.String({ description: 'Display form: check digit, then the base in groups of four (7-0000-1205-0002)' })),
  identifiers: Type.Array(Identifier),
  nameJa: Nullable(Type.String()),
  nameEn: Nullable(Type.String()),
  kana: Nullable(Type.String()),
  country: Type.String(),
  registeredInTokyo: Type.Boolean(),
  lgCode: Nullable(Type.String()),
  jsicMajor: Nullable(Type.String()),
  jsicDivision: Nullable(Type.String()),
  employees: Nullable(Type.Integer()),
  capitalYen: Nullable(Type.Integer()),
  postalCode: Nullable(Type.String()),
  addressJa: Nullable(Type.String()),
  addressEn: Nullable(Type.String()),
  website: Nullable(Type.String()),
  summary: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  mergedInto: Nullable(Type.Integer()),
});

export const CreatedResponse = Type.Object({ company: CompanyResponse, nearDuplicates: Type.Array(CompanyResponse) });
export const SearchResponse = Type.Object({ total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer(), items: Type.Array(CompanyResponse) });

export const ContactResponse = Type.Object({
  id: Type.Integer(),
  companyId: Type.Integer(),
  name: Type.String(),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  role: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const TimelineResponse = Type.Array(
  Type.Object({
    at: Type.String(),
    module: Type.String(),
    kind: Type.String(),
    title: Type.Object({ ja: Type.String(), en: Type.String() }),
    href: Type.Optional(Type.String()),
  }),
);

export { Problem };
