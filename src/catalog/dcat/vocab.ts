/**
 * Vocabularies of the DCAT-AP output: namespaces, and how the catalog's own values map to the
 * controlled vocabularies DCAT-AP 3 expects (EU data themes, EU frequencies, EU file types, IANA
 * media types, ADMS licence and publisher types). Each map has its inverse for reading DCAT back.
 */

export const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  adms: 'http://www.w3.org/ns/adms#',
  spdx: 'http://spdx.org/rdf/terms#',
  hydra: 'http://www.w3.org/ns/hydra/core#',
  dcatap: 'http://data.europa.eu/r5r/',
  locn: 'http://www.w3.org/ns/locn#',
} as const;

export type Prefix = keyof typeof NS;

/** A term of a namespace as a full IRI: iri('dcat', 'Dataset'). */
export const iri = (prefix: Prefix, local: string): string => NS[prefix] + local;

export const EU = {
  theme: 'http://publications.europa.eu/resource/authority/data-theme/',
  themeScheme: 'http://publications.europa.eu/resource/authority/data-theme',
  frequency: 'http://publications.europa.eu/resource/authority/frequency/',
  fileType: 'http://publications.europa.eu/resource/authority/file-type/',
  language: 'http://publications.europa.eu/resource/authority/language/',
} as const;

export const IANA_MEDIA_TYPES = 'https://www.iana.org/assignments/media-types/';
export const ADMS_LICENCE_TYPE = 'http://purl.org/adms/licencetype/';
export const ADMS_PUBLISHER_TYPE = 'http://purl.org/adms/publishertype/';

/** EU data themes with their official English labels. */
export const EU_THEMES: Record<string, string> = {
  AGRI: 'Agriculture, fisheries, forestry and food',
  ECON: 'Economy and finance',
  EDUC: 'Education, culture and sport',
  ENER: 'Energy',
  ENVI: 'Environment',
  GOVE: 'Government and public sector',
  HEAL: 'Health',
  INTR: 'International issues',
  JUST: 'Justice, legal system and public safety',
  REGI: 'Regions and cities',
  SOCI: 'Population and society',
  TECH: 'Science and technology',
  TRAN: 'Transport',
};

/**
 * Tokyo's categories (catalog group ids) → EU data themes. The Japanese category is kept as a second
 * dcat:theme (a concept of the catalog's own scheme), so nothing of the original is lost.
 * その他 (other) has no EU theme.
 */
export const CATEGORY_THEMES: Record<string, readonly string[]> = {
  'population-ageing': ['SOCI'],
  'health-welfare': ['HEAL', 'SOCI'],
  living: ['SOCI'],
  'town-planning': ['REGI'],
  'disaster-prevention': ['JUST'],
  tax: ['ECON', 'GOVE'],
  environment: ['ENVI'],
  tourism: ['ECON'],
  'olympics-paralympics': ['EDUC'],
  'arts-culture': ['EDUC'],
  'industry-economy': ['ECON'],
  education: ['EDUC'],
  transport: ['TRAN'],
  'administration-finance': ['GOVE'],
  other: [],
};

/** EU frequency codes with the Japanese words the Tokyo catalog writes for them (first = canonical) and the English label. */
export const FREQUENCIES: Record<string, { ja: readonly string[]; en: string }> = {
  CONT: { ja: ['リアルタイム', '常時', '随時更新（リアルタイム）'], en: 'continuous' },
  HOURLY: { ja: ['毎時', '1時間'], en: 'hourly' },
  DAILY: { ja: ['毎日', '日次', '1日'], en: 'daily' },
  WEEKLY: { ja: ['毎週', '週次', '1週間'], en: 'weekly' },
  BIWEEKLY: { ja: ['2週間', '隔週'], en: 'biweekly' },
  MONTHLY_2: { ja: ['月2回'], en: 'semimonthly' },
  MONTHLY: { ja: ['毎月', '月次', '1か月', '1ヶ月', '1カ月', '月1回'], en: 'monthly' },
  BIMONTHLY: { ja: ['2か月', '2ヶ月', '2カ月', '隔月'], en: 'bimonthly' },
  QUARTERLY: { ja: ['3か月', '3ヶ月', '3カ月', '四半期', '四半期毎'], en: 'quarterly' },
  ANNUAL_2: { ja: ['半年', '6か月', '6ヶ月', '6カ月', '年2回'], en: 'semiannual' },
  ANNUAL: { ja: ['1年', '毎年', '年1回', '年次', '年度', '毎年度'], en: 'annual' },
  BIENNIAL: { ja: ['2年'], en: 'biennial' },
  TRIENNIAL: { ja: ['3年'], en: 'triennial' },
  QUADRENNIAL: { ja: ['4年'], en: 'quadrennial' },
  QUINQUENNIAL: { ja: ['5年'], en: 'quinquennial' },
  DECENNIAL: { ja: ['10年'], en: 'decennial' },
  IRREG: { ja: ['随時', '不定期', '適時', '随時更新'], en: 'irregular' },
  NEVER: { ja: ['更新なし', 'なし', '更新予定なし'], en: 'never' },
};

const frequencyByText = new Map<string, string>();
for (const [code, f] of Object.entries(FREQUENCIES)) for (const w of f.ja) frequencyByText.set(w.normalize('NFKC'), code);

/** The EU frequency code of a frequency text (full-width digits folded), or undefined. */
export function frequencyCode(text: string): string | undefined {
  return frequencyByText.get(text.normalize('NFKC').replace(/\s+/g, ''));
}

/** The Japanese text the catalog writes for an EU frequency code (for reading DCAT back). */
export function frequencyText(code: string): string | undefined {
  return FREQUENCIES[code]?.ja[0];
}

/** Catalog formats → EU file-type codes and IANA media types. */
export const FORMATS: Record<string, { fileType?: string; mediaType?: string }> = {
  CSV: { fileType: 'CSV', mediaType: 'text/csv' },
  TSV: { fileType: 'TSV', mediaType: 'text/tab-separated-values' },
  XLSX: { fileType: 'XLSX', mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  XLS: { fileType: 'XLS', mediaType: 'application/vnd.ms-excel' },
  ODS: { fileType: 'ODS', mediaType: 'application/vnd.oasis.opendocument.spreadsheet' },
  JSON: { fileType: 'JSON', mediaType: 'application/json' },
  GEOJSON: { fileType: 'GEOJSON', mediaType: 'application/geo+json' },
  'JSON-LD': { fileType: 'JSON_LD', mediaType: 'application/ld+json' },
  XML: { fileType: 'XML', mediaType: 'application/xml' },
  RDF: { fileType: 'RDF_XML', mediaType: 'application/rdf+xml' },
  TTL: { fileType: 'RDF_TURTLE', mediaType: 'text/turtle' },
  PDF: { fileType: 'PDF', mediaType: 'application/pdf' },
  ZIP: { fileType: 'ZIP', mediaType: 'application/zip' },
  HTML: { fileType: 'HTML', mediaType: 'text/html' },
  TXT: { fileType: 'TXT', mediaType: 'text/plain' },
  DOC: { fileType: 'DOC', mediaType: 'application/msword' },
  DOCX: { fileType: 'DOCX', mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  ODT: { fileType: 'ODT', mediaType: 'application/vnd.oasis.opendocument.text' },
  PPT: { fileType: 'PPT', mediaType: 'application/vnd.ms-powerpoint' },
  PPTX: { fileType: 'PPTX', mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation' },
  PNG: { fileType: 'PNG', mediaType: 'image/png' },
  JPEG: { fileType: 'JPEG', mediaType: 'image/jpeg' },
  GIF: { fileType: 'GIF', mediaType: 'image/gif' },
  TIFF: { fileType: 'TIFF', mediaType: 'image/tiff' },
  KML: { fileType: 'KML', mediaType: 'application/vnd.google-earth.kml+xml' },
  KMZ: { fileType: 'KMZ', mediaType: 'application/vnd.google-earth.kmz' },
  GML: { fileType: 'GML', mediaType: 'application/gml+xml' },
  SHP: { fileType: 'SHP' },
  GTFS: { fileType: 'GTFS' },
  ATOM: { fileType: 'ATOM', mediaType: 'application/atom+xml' },
  RSS: { fileType: 'RSS', mediaType: 'application/rss+xml' },
};

const ALIASES: Record<string, string> = { JPG: 'JPEG', TIF: 'TIFF', JSONLD: 'JSON-LD', TEXT: 'TXT', HTM: 'HTML', TURTLE: 'TTL', 'RDF/XML': 'RDF' };

/** The catalog format key of a format text ('csv', 'ＣＳＶ' → 'CSV'), or undefined when unknown. */
export function formatKey(format: string): string | undefined {
  const f = format.normalize('NFKC').trim().toUpperCase();
  const k = ALIASES[f] ?? f;
  return k in FORMATS ? k : undefined;
}

const formatByFileType = new Map(Object.entries(FORMATS).flatMap(([k, v]) => (v.fileType ? [[v.fileType, k] as const] : [])));

/** The catalog format of an EU file-type code. */
export function formatOfFileType(code: string): string | undefined {
  return formatByFileType.get(code);
}

/** The ADMS licence type of a catalog licence id (public domain or attribution; none for `other`). */
export function licenceType(id: string): 'PublicDomain' | 'Attribution' | undefined {
  if (id === 'cc-zero') return 'PublicDomain';
  if (id === 'other') return undefined;
  return 'Attribution';
}

export const LICENCE_TYPE_LABELS: Record<string, string> = { PublicDomain: 'Public domain', Attribution: 'Attribution' };
export const PUBLISHER_TYPE_LABELS: Record<string, string> = { LocalAuthority: 'Local Authority', RegionalAuthority: 'Regional Authority', PublicBody: 'Public Body' };

/** Checksum algorithms of spdx by the length of a hex digest. */
export const CHECKSUM_BY_LENGTH: Record<number, string> = { 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' };
