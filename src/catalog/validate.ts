/**
 * Validation of dataset and resource input, following CKAN's default schemas
 * (ckan/logic/schema: default_create_package_schema, default_resource_schema, default_tags_schema;
 * validators in ckan/logic/validators.py). Messages are CKAN's English wording, each with a stable
 * code the pages translate (`catalog.v.<code>`).
 *
 * Deliberate differences (docs/catalog.md): text fields must be strings (CKAN turns numbers into
 * text), licences, categories and resource URL schemes are checked, and lengths are capped.
 */

export interface Issue {
  /** Dotted path: `name`, `resources.1.url`, `tags.0.name`, `extras_validation`. */
  field: string;
  /** CKAN's English message. */
  message: string;
  /** Stable code; pages translate `catalog.v.<code>` with `params`. */
  code: string;
  params?: Record<string, string | number>;
}

export const LIMITS = {
  nameMin: 2,
  nameMax: 100,
  title: 1000,
  notes: 100_000,
  person: 1000,
  url: 2000,
  version: 100,
  tagMin: 2,
  tagMax: 100,
  tags: 200,
  extraKey: 200,
  extraValue: 10_000,
  extras: 200,
  groups: 100,
  resources: 1000,
  resourceText: 10_000,
  format: 100,
} as const;

const NAME = /^[a-z0-9_-]*$/;
// CKAN's tag rule: word characters (any script), spaces, hyphens, underscores and dots.
const TAG = /^[\p{L}\p{N}\p{M}\p{Pc} .-]*$/u;
const EMAIL = /^(?!\.)(?!.*\.$)(?!.*?\.\.)[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RESERVED_NAMES = new Set(['new', 'edit', 'search']);

/** Top-level package fields: an extra may not use one of these keys (CKAN: extra_key_not_in_root_schema). */
export const PACKAGE_FIELDS = [
  'id', 'name', 'title', 'author', 'author_email', 'maintainer', 'maintainer_email', 'license_id', 'notes', 'url', 'version',
  'state', 'type', 'owner_org', 'private', 'resources', 'tags', 'tag_string', 'extras', 'groups', 'metadata_modified', 'metadata_created',
] as const;

const RESOURCE_CORE = new Set([
  'id', 'package_id', 'url', 'description', 'format', 'hash', 'state', 'position', 'name', 'resource_type', 'url_type', 'mimetype',
  'mimetype_inner', 'cache_url', 'size', 'created', 'last_modified', 'cache_last_updated', 'datastore_active', 'metadata_modified', 'upload',
]);

export interface ResourceInput {
  id: string | null;
  url: string;
  url_type: string | null;
  name: string | null;
  description: string | null;
  format: string;
  mimetype: string | null;
  size: number | null;
  hash: string;
  resource_type: string | null;
  created: string | null;
  last_modified: string | null;
  extras: Record<string, string>;
}

/** A dataset as validated input: the fields to store (groups as ids, owner_org as an id). */
export interface DatasetInput {
  id: string | null;
  name: string;
  title: string;
  notes: string;
  license_id: string | null;
  author: string | null;
  author_email: string | null;
  maintainer: string | null;
  maintainer_email: string | null;
  url: string | null;
  version: string | null;
  private: boolean;
  state: 'active' | 'draft';
  type: string;
  owner_org: string;
  tags: string[];
  extras: Record<string, string>;
  /** Group ids; null = keep the dataset's current groups (package_update without `groups`). */
  groups: string[] | null;
  /** null = keep the dataset's current resources (package_update without `resources`). */
  resources: ResourceInput[] | null;
}

/** What validation needs to know from the database. */
export interface Lookups {
  /** Organization id for an id or name, or undefined. */
  org(idOrName: string): Promise<string | undefined>;
  licence(id: string): Promise<boolean>;
  /** Group id for an id or name, or undefined. */
  group(idOrName: string): Promise<string | undefined>;
  /** The id of the dataset holding this name, if any. */
  nameHolder(name: string): Promise<string | undefined>;
  /** Whether a resource id is already used by another dataset's resource. */
  resourceIdTaken(id: string, packageId: string | null): Promise<boolean>;
}

export type DataDict = Record<string, unknown>;

export function isDict(v: unknown): v is DataDict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Collector {
  readonly issues: Issue[] = [];
  add(field: string, code: string, message: string, params?: Issue['params']): void {
    this.issues.push({ field, code, message, ...(params ? { params } : {}) });
  }
  has(field: string): boolean {
    return this.issues.some((i) => i.field === field || i.field.startsWith(`${field}.`));
  }
}

/** A text field: absent (undefined), null, or a string within `max` characters. */
function text(c: Collector, d: DataDict, field: string, max: number, path = field): string | null | undefined {
  const v = d[field];
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v !== 'string') {
    c.add(path, 'string', 'Must be a string');
    return undefined;
  }
  if ([...v].length > max) {
    c.add(path, 'tooLong', `Must be a maximum of ${max} characters long`, { max });
    return undefined;
  }
  return v;
}

/** CKAN's boolean_validator: true, 'true', 'yes', 't', 'y', '1', 1 are true; everything else false. */
export function ckanBool(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  return typeof v === 'string' && ['true', 'yes', 't', 'y', '1'].includes(v.toLowerCase());
}

/** CKAN's int_validator: an integer or a string of one; '' and null are absent. */
export function ckanInt(v: unknown): number | null | 'invalid' {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' && v.trim() === '') return null;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : 'invalid';
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : 'invalid';
  }
  return 'invalid';
}

/** An ISO 8601 date or date-time; returned as a UTC ISO string. */
export function isoDate(v: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v.trim())) return null;
  let s = v.trim().replace(' ', 'T');
  // CKAN's dates carry no zone and are UTC.
  if (/T/.test(s) && !/(Z|[+-]\d{2}:?\d{2})$/.test(s)) s += 'Z';
  const d = new Date(s.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** CKAN's name_validator as a single problem (organizations, groups). */
export function nameProblem(v: unknown, field = 'name'): Issue | undefined {
  const c = new Collector();
  checkName(c, v, field);
  return c.issues[0];
}

function checkName(c: Collector, v: unknown, field = 'name'): string | undefined {
  if (typeof v !== 'string') {
    c.add(field, 'nameString', 'Names must be strings');
    return undefined;
  }
  if (RESERVED_NAMES.has(v)) c.add(field, 'nameReserved', 'That name cannot be used');
  else if (v.length < LIMITS.nameMin) c.add(field, 'nameShort', `Must be at least ${LIMITS.nameMin} characters long`, { min: LIMITS.nameMin });
  else if (v.length > LIMITS.nameMax) c.add(field, 'nameLong', `Name must be a maximum of ${LIMITS.nameMax} characters long`, { max: LIMITS.nameMax });
  else if (!NAME.test(v)) c.add(field, 'nameChars', 'Must be purely lowercase alphanumeric (ascii) characters and these symbols: -_');
  else return v;
  return undefined;
}

/** A resource URL: empty, an http(s) or ftp URL, or (for uploads) a bare file name. Never javascript: or data:. */
function checkResourceUrl(c: Collector, url: string, path: string, upload: boolean): void {
  if (url === '') return;
  if (upload && !/[/:\\]/.test(url)) return;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    c.add(path, 'url', 'Please provide a valid URL');
    return;
  }
  if (!['http:', 'https:', 'ftp:'].includes(u.protocol)) c.add(path, 'urlScheme', 'The URL must start with http://, https:// or ftp://');
}

/** Check one resource dict; `path` is e.g. `resources.2` (or '' for resource_create). */
export async function validateResource(raw: unknown, path: string, lk: Lookups, packageId: string | null, existingIds: ReadonlySet<string> = new Set()): Promise<{ resource?: ResourceInput; issues: Issue[] }> {
  const c = new Collector();
  const p = (f: string) => (path ? `${path}.${f}` : f);
  if (!isDict(raw)) {
    c.add(path || 'resource', 'dict', 'Must be a dict');
    return { issues: c.issues };
  }
  let id: string | null = null;
  if (raw.id !== undefined && raw.id !== null && raw.id !== '') {
    if (typeof raw.id !== 'string' || !UUID.test(raw.id)) c.add(p('id'), 'uuid', 'Must be a valid UUID');
    else if (!existingIds.has(raw.id) && (await lk.resourceIdTaken(raw.id, packageId))) c.add(p('id'), 'resourceIdTaken', 'Resource id already exists.');
    else id = raw.id.toLowerCase();
  }
  const urlType = text(c, raw, 'url_type', 100, p('url_type'));
  const url = (text(c, raw, 'url', LIMITS.url, p('url')) ?? '').trim();
  if (!c.has(p('url'))) checkResourceUrl(c, url, p('url'), urlType === 'upload');
  const name = text(c, raw, 'name', LIMITS.title, p('name'));
  const description = text(c, raw, 'description', LIMITS.resourceText, p('description'));
  let format = text(c, raw, 'format', LIMITS.format, p('format')) ?? '';
  if (!format && url && !c.has(p('url'))) format = guessFormat(url);
  const mimetype = text(c, raw, 'mimetype', 200, p('mimetype'));
  const hash = text(c, raw, 'hash', 500, p('hash'));
  const resourceType = text(c, raw, 'resource_type', 100, p('resource_type'));
  const size = ckanInt(raw.size);
  if (size === 'invalid') c.add(p('size'), 'integer', 'Invalid integer');
  else if (size !== null && size < 0) c.add(p('size'), 'natural', 'Must be a natural number');
  const dates: Record<'created' | 'last_modified', string | null> = { created: null, last_modified: null };
  for (const f of ['created', 'last_modified'] as const) {
    const v = raw[f];
    if (v === undefined || v === null || v === '') continue;
    const d = typeof v === 'string' ? isoDate(v) : null;
    if (!d) c.add(p(f), 'date', 'Date format incorrect');
    else dates[f] = d;
  }
  const extras: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (RESOURCE_CORE.has(k) || k.startsWith('__')) continue;
    if (Object.keys(extras).length >= LIMITS.extras) {
      c.add(p(k), 'tooMany', `At most ${LIMITS.extras} extra fields`, { max: LIMITS.extras });
      break;
    }
    if (k.length > LIMITS.extraKey) c.add(p(k), 'tooLong', `Must be a maximum of ${LIMITS.extraKey} characters long`, { max: LIMITS.extraKey });
    else if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) {
      const s = v === null ? '' : String(v);
      if (s.length > LIMITS.extraValue) c.add(p(k), 'tooLong', `Must be a maximum of ${LIMITS.extraValue} characters long`, { max: LIMITS.extraValue });
      else extras[k] = s;
    } else c.add(p(k), 'string', 'Must be a string');
  }
  if (c.issues.length) return { issues: c.issues };
  return {
    issues: [],
    resource: {
      id,
      url,
      url_type: urlType || null,
      name: name ?? null,
      description: description ?? null,
      format: cleanFormat(format),
      mimetype: mimetype || null,
      size: size as number | null,
      hash: hash ?? '',
      resource_type: resourceType || null,
      created: dates.created,
      last_modified: dates.last_modified,
      extras,
    },
  };
}

const FORMAT_BY_EXT: Record<string, string> = {
  csv: 'CSV', tsv: 'TSV', txt: 'TXT', json: 'JSON', geojson: 'GeoJSON', xml: 'XML', rdf: 'RDF', pdf: 'PDF', xls: 'XLS', xlsx: 'XLSX',
  ods: 'ODS', doc: 'DOC', docx: 'DOCX', zip: 'ZIP', png: 'PNG', jpg: 'JPEG', jpeg: 'JPEG', gif: 'GIF', html: 'HTML', htm: 'HTML', kml: 'KML', shp: 'SHP',
};

/** CKAN's if_empty_guess_format: the format from the URL's extension. */
export function guessFormat(url: string): string {
  const path = url.split(/[?#]/)[0] ?? '';
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(path)?.[1]?.toLowerCase();
  return (ext && FORMAT_BY_EXT[ext]) ?? '';
}

/** CKAN's clean_format (unified_resource_format): known formats in their usual spelling. */
export function cleanFormat(format: string): string {
  const f = format.trim().replace(/^\./, '');
  if (!f) return '';
  const known = FORMAT_BY_EXT[f.toLowerCase()];
  return known ?? f;
}

function tagsFrom(c: Collector, d: DataDict): string[] | undefined {
  const out: string[] = [];
  const add = (name: unknown, field: string) => {
    if (typeof name !== 'string') {
      c.add(field, 'string', 'Must be a string');
      return;
    }
    const t = name.trim();
    if (t.length < LIMITS.tagMin) c.add(field, 'tagShort', `Tag "${t}" length is less than minimum ${LIMITS.tagMin}`, { tag: t, min: LIMITS.tagMin });
    else if (t.length > LIMITS.tagMax) c.add(field, 'tagLong', `Tag "${t.slice(0, 20)}…" length is more than maximum ${LIMITS.tagMax}`, { tag: t.slice(0, 20), max: LIMITS.tagMax });
    else if (!TAG.test(t)) c.add(field, 'tagChars', `Tag "${t}" can only contain alphanumeric characters, spaces (" "), hyphens ("-"), underscores ("_") or dots (".")`, { tag: t });
    else if (!out.includes(t)) out.push(t);
  };
  const present = d.tags !== undefined || d.tag_string !== undefined;
  if (!present) return undefined;
  if (d.tags !== undefined && d.tags !== null) {
    if (!Array.isArray(d.tags)) c.add('tags', 'list', 'Not a list');
    else
      d.tags.forEach((t, i) => {
        if (isDict(t)) {
          if (t.name === undefined || t.name === '') c.add(`tags.${i}.name`, 'missing', 'Missing value');
          else add(t.name, `tags.${i}.name`);
        } else if (typeof t === 'string') add(t, `tags.${i}.name`);
        else c.add(`tags.${i}`, 'dict', 'Must be a dict');
      });
  }
  if (d.tag_string !== undefined && d.tag_string !== null) {
    if (typeof d.tag_string !== 'string') c.add('tag_string', 'string', 'Must be a string');
    else
      for (const t of d.tag_string.split(',').map((s) => s.trim()).filter(Boolean)) add(t, 'tag_string');
  }
  if (out.length > LIMITS.tags) c.add('tags', 'tooMany', `At most ${LIMITS.tags} tags`, { max: LIMITS.tags });
  return out;
}

function extrasFrom(c: Collector, d: DataDict): Record<string, string> | undefined {
  if (d.extras === undefined || d.extras === null) return d.extras === null ? {} : undefined;
  if (!Array.isArray(d.extras)) {
    c.add('extras', 'list', 'Not a list');
    return undefined;
  }
  if (d.extras.length > LIMITS.extras) {
    c.add('extras', 'tooMany', `At most ${LIMITS.extras} extras`, { max: LIMITS.extras });
    return undefined;
  }
  const out: Record<string, string> = {};
  const seen: string[] = [];
  d.extras.forEach((e, i) => {
    if (!isDict(e)) return c.add(`extras.${i}`, 'dict', 'Must be a dict');
    if (e.deleted) return;
    const key = e.key;
    if (key === undefined || key === null || key === '') return c.add(`extras.${i}.key`, 'missing', 'Missing value');
    if (typeof key !== 'string') return c.add(`extras.${i}.key`, 'string', 'Must be a string');
    if (key.length > LIMITS.extraKey) return c.add(`extras.${i}.key`, 'tooLong', `Must be a maximum of ${LIMITS.extraKey} characters long`, { max: LIMITS.extraKey });
    if ((PACKAGE_FIELDS as readonly string[]).includes(key)) return c.add(`extras.${i}.key`, 'extraRoot', 'There is a schema field with the same name');
    if (e.value === undefined) return c.add(`extras.${i}.value`, 'missing', 'Missing value');
    const value = e.value === null ? '' : e.value;
    if (typeof value !== 'string') return c.add(`extras.${i}.value`, 'string', 'Must be a string');
    if (value.length > LIMITS.extraValue) return c.add(`extras.${i}.value`, 'tooLong', `Must be a maximum of ${LIMITS.extraValue} characters long`, { max: LIMITS.extraValue });
    if (seen.includes(key) && !c.has('extras_validation')) c.add('extras_validation', 'extraDuplicate', `Duplicate key "${key}"`, { key });
    seen.push(key);
    out[key] = value;
  });
  return out;
}

async function groupsFrom(c: Collector, d: DataDict, lk: Lookups): Promise<string[] | null> {
  if (d.groups === undefined) return null;
  if (d.groups === null) return [];
  if (!Array.isArray(d.groups)) {
    c.add('groups', 'list', 'Not a list');
    return null;
  }
  if (d.groups.length > LIMITS.groups) {
    c.add('groups', 'tooMany', `At most ${LIMITS.groups} groups`, { max: LIMITS.groups });
    return null;
  }
  const ids: string[] = [];
  for (const [i, g] of d.groups.entries()) {
    const ref = isDict(g) ? (g.id ?? g.name) : g;
    if (typeof ref !== 'string' || ref === '') {
      c.add(`groups.${i}`, 'groupRef', 'Give the group by id or name');
      continue;
    }
    const id = await lk.group(ref);
    if (!id) c.add(`groups.${i}`, 'groupNotFound', `Group was not found: ${ref.slice(0, 100)}`, { group: ref.slice(0, 100) });
    else if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

export interface Current {
  id: string;
  input: DatasetInput;
}

/**
 * Validate a package dict. `current` is the dataset being updated (package_update semantics:
 * `resources` and `groups` left out keep theirs, other fields left out are cleared, as CKAN does;
 * name, title, owner_org, private, state and type left out keep theirs).
 */
export async function validatePackage(d: DataDict, lk: Lookups, current: Current | null): Promise<{ input?: DatasetInput; issues: Issue[] }> {
  const c = new Collector();

  let id: string | null = current?.id ?? null;
  if (!current && d.id !== undefined && d.id !== null && d.id !== '') {
    if (typeof d.id !== 'string' || !UUID.test(d.id)) c.add('id', 'uuid', 'Must be a valid UUID');
    else if (await lk.nameHolder(d.id)) c.add('id', 'idTaken', 'Dataset id already exists');
    else id = d.id.toLowerCase();
  }

  let name = current?.input.name;
  if (d.name !== undefined || !current) {
    if (d.name === undefined || d.name === null || d.name === '') c.add('name', 'missing', 'Missing value');
    else {
      const n = checkName(c, d.name);
      if (n !== undefined) {
        const holder = await lk.nameHolder(n);
        if (holder && holder !== id) c.add('name', 'nameTaken', 'That URL is already in use.');
        else name = n;
      }
    }
  }

  let title = current?.input.title;
  const t = text(c, d, 'title', LIMITS.title);
  if (t !== undefined && !(current && t === null)) title = (t ?? '').trim();
  if (!title && name) title = name;

  const opt = (f: string, max: number): string | null => {
    const v = text(c, d, f, max);
    return v === undefined || v === null ? null : v;
  };
  const notes = opt('notes', LIMITS.notes) ?? '';
  const author = opt('author', LIMITS.person);
  const maintainer = opt('maintainer', LIMITS.person);
  const url = opt('url', LIMITS.url);
  const version = opt('version', LIMITS.version);
  const email = (f: string): string | null => {
    const v = opt(f, LIMITS.person)?.trim() ?? null;
    if (v && !EMAIL.test(v)) {
      c.add(f, 'email', `Email ${v.slice(0, 100)} is not a valid format`, { email: v.slice(0, 100) });
      return null;
    }
    return v || null;
  };
  const authorEmail = email('author_email');
  const maintainerEmail = email('maintainer_email');

  let licenseId: string | null = null;
  const lic = text(c, d, 'license_id', 100);
  if (lic) {
    if (await lk.licence(lic)) licenseId = lic;
    else c.add('license_id', 'licence', `License not found: ${lic}`, { licence: lic });
  }

  let ownerOrg = current?.input.owner_org;
  if (d.owner_org !== undefined || !current) {
    const o = d.owner_org;
    if (o === undefined || o === null || o === '') c.add('owner_org', 'orgMissing', 'An organization must be provided');
    else if (typeof o !== 'string') c.add('owner_org', 'string', 'Must be a string');
    else {
      const oid = await lk.org(o);
      if (!oid) c.add('owner_org', 'orgNotFound', 'Organization does not exist');
      else ownerOrg = oid;
    }
  }

  const priv = d.private === undefined ? (current?.input.private ?? false) : ckanBool(d.private);

  let state: 'active' | 'draft' = current?.input.state ?? 'active';
  if (d.state !== undefined && d.state !== null && d.state !== '') {
    if (d.state === 'active' || d.state === 'draft') state = d.state;
    else c.add('state', 'state', 'State must be active or draft (delete with package_delete)');
  }

  let type = current?.input.type ?? 'dataset';
  const ty = text(c, d, 'type', 100);
  if (ty) type = ty;

  const tags = tagsFrom(c, d) ?? [];
  const extras = extrasFrom(c, d) ?? {};
  const groups = await groupsFrom(c, d, lk);

  let resources: ResourceInput[] | null = null;
  if (d.resources !== undefined && d.resources !== null) {
    if (!Array.isArray(d.resources)) c.add('resources', 'list', 'Not a list');
    else if (d.resources.length > LIMITS.resources) c.add('resources', 'tooMany', `At most ${LIMITS.resources} resources`, { max: LIMITS.resources });
    else {
      resources = [];
      const existing = new Set((current?.input.resources ?? []).map((r) => r.id).filter((x): x is string => !!x));
      const seen = new Set<string>();
      for (const [i, r] of d.resources.entries()) {
        const v = await validateResource(r, `resources.${i}`, lk, id, existing);
        c.issues.push(...v.issues);
        if (v.resource) {
          if (v.resource.id && seen.has(v.resource.id)) c.add(`resources.${i}.id`, 'resourceIdTaken', 'Resource id already exists.');
          if (v.resource.id) seen.add(v.resource.id);
          resources.push(v.resource);
        }
      }
    }
  } else if (d.resources === null) resources = [];

  if (c.issues.length || !name || !ownerOrg) return { issues: c.issues };
  return {
    issues: [],
    input: {
      id,
      name,
      title: title ?? name,
      notes,
      license_id: licenseId,
      author,
      author_email: authorEmail,
      maintainer,
      maintainer_email: maintainerEmail,
      url,
      version,
      private: priv,
      state,
      type,
      owner_org: ownerOrg,
      tags,
      extras,
      groups,
      resources,
    },
  };
}

