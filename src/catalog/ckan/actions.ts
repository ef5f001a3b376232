/**
 * The CKAN Action API v3 actions Kabuto serves, following ckan/logic/action/{get,create,update,
 * patch,delete}.py: the same names, parameters, defaults and result shapes. Differences are listed
 * in docs/catalog.md.
 */
import { sql } from 'kysely';
import type { AppContext } from '../../core/context.js';
import { DomainError } from '../../core/errors.js';
import type { CatalogService, Caller } from '../service.js';
import { escapeLike } from '../service.js';
import { groupFullDict, licenceDict, orgDict, orgExtras, packageDict, resourceDict } from '../dictize.js';
import type { FullDataset, GroupRow, OrgRow } from '../store.js';
import type { DataDict } from '../validate.js';
import type { UploadedFile } from '../uploads.js';
import { search, searchFailure, type SearchResult } from '../search-port.js';
import { CkanError, ckanValidation, fromDomain } from './errors.js';
import { bool, integer, jsonListOfStrings, natural, str, stringList } from './params.js';

export interface ActionContext {
  app: AppContext;
  svc: CatalogService;
  caller: Caller;
  /** Scheme and host of the request, for absolute URLs (uploads). */
  siteUrl: string;
  /** Files of a multipart request, by field name. */
  files: Map<string, UploadedFile>;
}

export interface Action {
  /** Reads may be called with GET (CKAN: side_effect_free). */
  read: boolean;
  doc: string;
  run(a: ActionContext, d: DataDict): Promise<unknown>;
}

export const ROWS_MAX = 1000;
export const FACET_LIMIT_DEFAULT = 50;
export const DEFAULT_SORT = 'score desc, metadata_modified desc';
const ORG_LIST_MAX = 1000;
const ORG_LIST_ALL_FIELDS_MAX = 25;
const SEARCH_PARAMS = new Set(['q', 'fl', 'fq', 'fq_list', 'rows', 'sort', 'start', 'wt', 'qf', 'bf', 'boost', 'facet', 'facet.mincount', 'facet.limit', 'facet.field', 'extras', 'tie', 'defType', 'mm', 'df']);

/** Service errors in CKAN's terms; search engine errors as Search Query Error / Search Error. */
export async function asCkan(err: unknown): Promise<unknown> {
  if (err instanceof CkanError) return err;
  if (err instanceof DomainError) return fromDomain(err);
  const f = searchFailure(err);
  if (f) return f.kind === 'query' ? new CkanError('Search Query Error', `Search Query is invalid: ${f.message}`) : new CkanError('Search Error', `Search error: ${f.message}`);
  return err;
}

const pkg = (a: ActionContext, f: FullDataset) => packageDict(f, a.siteUrl);

function requireId(d: DataDict, key = 'id'): string {
  const v = d[key];
  if (v === undefined || v === null || v === '') throw ckanValidation({ [key]: ['Missing value'] });
  if (typeof v !== 'string') throw ckanValidation({ [key]: ['Must be a string'] });
  return v;
}

/** Solr local parameters ({!…}) are refused in every query parameter, as CKAN does by default. */
function refuseLocalParams(name: string, v: string | string[] | undefined): void {
  for (const s of Array.isArray(v) ? v : v === undefined ? [] : [v]) {
    if (s.trim().startsWith('{!')) throw new CkanError('Search Error', `Search error: ('Local parameters are not supported in param \\'${name}\\'.',)`);
  }
}

async function groupTitles(a: ActionContext): Promise<{ orgs: Map<string, OrgRow>; groups: Map<string, GroupRow> }> {
  const [orgs, groups] = await Promise.all([a.svc.orgs(), a.svc.groups()]);
  return { orgs: new Map(orgs.map((o) => [o.name, o])), groups: new Map(groups.map((g) => [g.name, g])) };
}

/** package_search's result from the engine's: count, full package dicts, facets and search_facets as CKAN shapes them. */
export async function shapeSearch(a: ActionContext, r: SearchResult, sort: string) {
  const fulls = await a.svc.fullMany(r.ids);
  const { orgs, groups } = await groupTitles(a);
  const licences = new Map((await a.svc.licences()).map((l) => [l.id, l]));
  const searchFacets: Record<string, { title: string; items: { name: string; display_name: string; count: number }[] }> = {};
  for (const [field, values] of Object.entries(r.facets)) {
    const items = Object.entries(values).map(([name, count]) => {
      let display = name;
      if (field === 'organization') display = orgs.get(name)?.title_ja?.trim() || name;
      else if (field === 'groups') display = groups.get(name)?.title_ja?.trim() || name;
      else if (field === 'license_id') display = licences.get(name)?.title_ja || name;
      return { name, display_name: display, count };
    });
    // CKAN sorts the items by display name, descending.
    items.sort((x, y) => (x.display_name < y.display_name ? 1 : x.display_name > y.display_name ? -1 : 0));
    searchFacets[field] = { title: field, items };
  }
  return { count: r.count, facets: r.facets, results: fulls.map((f) => pkg(a, f)), sort, search_facets: searchFacets };
}

/** Parse and check package_search's parameters as CKAN does; the engine gets them as SearchParams. */
export async function searchParams(a: ActionContext, d: DataDict) {
  const unknown = Object.keys(d).filter((k) => !SEARCH_PARAMS.has(k) && !k.startsWith('ext_') && !['include_private', 'include_drafts', 'include_deleted', 'use_default_schema', 'callback'].includes(k));
  const q = str(d, 'q');
  const fq = str(d, 'fq');
  const fqList = stringList(d, 'fq_list');
  const rows = Math.min(natural(d, 'rows', 10)!, ROWS_MAX);
  const start = natural(d, 'start', 0)!;
  const facetMinCount = natural(d, 'facet.mincount', 1)!;
  const facetLimit = integer(d, 'facet.limit', FACET_LIMIT_DEFAULT);
  const facetFields = bool(d, 'facet', true) ? (jsonListOfStrings(d, 'facet.field') ?? []) : [];
  const sortIn = str(d, 'sort');
  const sort = !sortIn || sortIn === 'rank' ? DEFAULT_SORT : sortIn;
  if (unknown.length) throw new CkanError('Search Query Error', `Search Query is invalid: ('Invalid search parameters: ${JSON.stringify(unknown)}',)`);
  refuseLocalParams('q', q);
  refuseLocalParams('fq', fq);
  refuseLocalParams('fq_list', fqList);
  refuseLocalParams('sort', sortIn);
  const v = await a.svc.visibility(a.caller);
  const includeDrafts = bool(d, 'include_drafts', false) && v.drafts;
  const includeDeleted = bool(d, 'include_deleted', false) && v.orgs === 'all';
  return {
    params: {
      ...(q !== undefined && q !== '' ? { q } : {}),
      ...(fq ? { fq } : {}),
      ...(fqList?.length ? { fqList } : {}),
      facetFields,
      facetLimit,
      facetMinCount,
      rows,
      start,
      ...(sort !== DEFAULT_SORT ? { sort } : {}),
      visibility: a.svc.searchVisibility(v, bool(d, 'include_private', false)),
      includeDrafts,
      includeDeleted,
    },
    sort,
  };
}

function orgListParams(d: DataDict, allFields: boolean) {
  const max = allFields ? ORG_LIST_ALL_FIELDS_MAX : ORG_LIST_MAX;
  const limit = natural(d, 'limit', null);
  const offset = natural(d, 'offset', 0)!;
  const sortRaw = (str(d, 'sort') ?? str(d, 'order_by') ?? 'title asc').trim();
  const m = /^(name|title|packages|package_count)(?:\s+(asc|desc))?$/.exec(sortRaw);
  if (!m) throw ckanValidation({ sort: [`Cannot sort by field \`${sortRaw.slice(0, 50)}\``] });
  const field = m[1] === 'packages' ? 'package_count' : m[1]!;
  const dir = m[2] ?? (field === 'package_count' ? 'desc' : 'asc');
  return { limit: limit === null || limit > max ? max : limit, offset, field, dir };
}

function sortRows<T extends { name: string; title: string; count: number }>(rows: T[], field: string, dir: string): T[] {
  const key = (r: T) => (field === 'package_count' ? r.count : field === 'name' ? r.name : r.title);
  return [...rows].sort((x, y) => {
    const a = key(x);
    const b = key(y);
    const c = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), 'ja');
    return (dir === 'desc' ? -c : c) || x.name.localeCompare(y.name);
  });
}

async function orgShow(a: ActionContext, o: OrgRow, d: DataDict) {
  const includeDatasets = bool(d, 'include_datasets', false);
  const includeExtras = bool(d, 'include_extras', true);
  const counts = await a.svc.countsByOrg(a.caller);
  const out: Record<string, unknown> = { ...orgDict(o), display_name: o.title_ja || o.name, image_display_url: o.image_url, package_count: counts.get(o.id) ?? 0, users: [], groups: [], num_followers: 0 };
  if (includeExtras) out.extras = orgExtras(o);
  if (includeDatasets) {
    // CKAN returns the first 10 datasets of the organization (package_search's default rows).
    const r = await a.svc.recent(a.caller, { limit: 10, offset: 0, orgId: o.id, includePrivate: true });
    out.packages = (await a.svc.fullMany(r.ids)).map((f) => pkg(a, f));
  }
  return out;
}

async function groupShow(a: ActionContext, g: GroupRow, d: DataDict) {
  const includeDatasets = bool(d, 'include_datasets', false);
  const counts = await a.svc.countsByGroup();
  const out: Record<string, unknown> = { ...groupFullDict(g), package_count: counts.get(g.id) ?? 0, users: [], groups: [], extras: [], num_followers: 0 };
  if (includeDatasets) {
    const r = await a.svc.recent(a.caller, { limit: 1000, offset: 0, groupId: g.id, includePrivate: false });
    out.packages = (await a.svc.fullMany(r.ids)).map((f) => pkg(a, f));
  }
  return out;
}

function fileFor(a: ActionContext): UploadedFile | undefined {
  return a.files.get('upload');
}

/** Resource fields CKAN's resource_search accepts (columns of the resource table). */
const RESOURCE_SEARCH_FIELDS = new Set(['id', 'url', 'format', 'description', 'name', 'hash', 'mimetype', 'resource_type', 'url_type', 'package_id']);

export const ACTIONS: Record<string, Action> = {
  package_search: {
    read: true,
    doc: 'Search for datasets: q, fq, fq_list, sort, rows (default 10, at most 1000), start, facet, facet.field (a JSON list), facet.limit (default 50, -1 for all), facet.mincount, include_private, include_drafts, include_deleted. Returns count, results, facets and search_facets.',
    async run(a, d) {
      const { params, sort } = await searchParams(a, d);
      try {
        const r = await search(a.app.db, a.app.dialect, params);
        return await shapeSearch(a, r, sort);
      } catch (err) {
        throw await asCkan(err);
      }
    },
  },
  package_show: {
    read: true,
    doc: 'Return the metadata of a dataset and its resources. id: the id or name of the dataset (an old name of a renamed dataset works too).',
    async run(a, d) {
      const id = typeof d.id === 'string' && d.id ? d.id : requireId(d, 'name_or_id');
      const { full } = await a.svc.show(a.caller, id);
      return pkg(a, full);
    },
  },
  package_list: {
    read: true,
    doc: "Return the names of the site's public, active datasets in name order. limit, offset: one page.",
    async run(a, d) {
      const limit = natural(d, 'limit', null);
      const offset = natural(d, 'offset', 0)!;
      return a.svc.names(limit || null, offset);
    },
  },
  current_package_list_with_resources: {
    read: true,
    doc: "Return the site's datasets with their resources, most recently modified first. limit, offset (page: deprecated).",
    async run(a, d) {
      const limit = natural(d, 'limit', null);
      let offset = natural(d, 'offset', null);
      if (offset === null && d.page !== undefined) {
        const page = natural(d, 'page', 1)!;
        if (page < 1) throw ckanValidation({ page: ['Must be a positive integer'] });
        offset = limit ? (page - 1) * limit : 0;
      }
      const rows = Math.min(limit ?? 10, ROWS_MAX);
      const r = await a.svc.recent(a.caller, { limit: rows, offset: offset ?? 0, includePrivate: a.caller.user?.role === 'admin' });
      return (await a.svc.fullMany(r.ids)).map((f) => pkg(a, f));
    },
  },
  organization_list: {
    read: true,
    doc: "Return the names of the site's organizations (all_fields: dictionaries). sort (default 'title asc'; name, title, package_count), limit, offset, organizations, q.",
    async run(a, d) {
      const allFields = bool(d, 'all_fields', false);
      const p = orgListParams(d, allFields);
      const only = stringList(d, 'organizations', /,/);
      const q = str(d, 'q')?.trim().toLowerCase();
      const counts = await a.svc.countsByOrg(a.caller);
      let orgs = (await a.svc.orgs()).map((o) => ({ o, name: o.name, title: o.title_ja, count: counts.get(o.id) ?? 0 }));
      if (only) orgs = orgs.filter((x) => only.includes(x.name));
      if (q) orgs = orgs.filter((x) => [x.o.name, x.o.title_ja, x.o.title_en, x.o.description].some((s) => s.toLowerCase().includes(q)));
      const page = sortRows(orgs, p.field, p.dir).slice(p.offset, p.offset + p.limit);
      if (!allFields) return page.map((x) => x.name);
      return page.map((x) => ({ ...orgDict(x.o), display_name: x.o.title_ja || x.o.name, image_display_url: x.o.image_url, package_count: x.count, num_followers: 0 }));
    },
  },
  organization_show: {
    read: true,
    doc: 'Return an organization. id: its id or name. include_datasets (its first 10 datasets), include_extras.',
    async run(a, d) {
      const o = await a.svc.org(requireId(d));
      if (!o || o.state !== 'active') throw new CkanError('Not Found Error', 'Not found');
      return orgShow(a, o, d);
    },
  },
  group_list: {
    read: true,
    doc: "Return the names of the site's groups (the catalog's categories; all_fields: dictionaries). sort, limit, offset, groups, q.",
    async run(a, d) {
      const allFields = bool(d, 'all_fields', false);
      const p = orgListParams(d, allFields);
      const only = stringList(d, 'groups', /,/);
      const q = str(d, 'q')?.trim().toLowerCase();
      const counts = await a.svc.countsByGroup();
      let groups = (await a.svc.groups()).map((g) => ({ g, name: g.name, title: g.title_ja, count: counts.get(g.id) ?? 0 }));
      if (only) groups = groups.filter((x) => only.includes(x.name));
      if (q) groups = groups.filter((x) => [x.g.name, x.g.title_ja, x.g.title_en, x.g.description].some((s) => s.toLowerCase().includes(q)));
      const page = sortRows(groups, p.field, p.dir).slice(p.offset, p.offset + p.limit);
      if (!allFields) return page.map((x) => x.name);
      return page.map((x) => ({ ...groupFullDict(x.g), package_count: x.count, num_followers: 0 }));
    },
  },
  group_show: {
    read: true,
    doc: 'Return a group (category). id: its id or name. include_datasets.',
    async run(a, d) {
      const g = await a.svc.group(requireId(d));
      if (!g) throw new CkanError('Not Found Error', 'Not found');
      return groupShow(a, g, d);
    },
  },
  tag_list: {
    read: true,
    doc: "Return the tags of the site's public datasets. query: only tags containing this text. all_fields: dictionaries.",
    async run(a, d) {
      const query = (str(d, 'query') ?? str(d, 'q'))?.trim() || null;
      const allFields = bool(d, 'all_fields', false);
      const tags = await a.svc.tags(query, 10_000);
      return allFields ? tags.map((t) => ({ display_name: t.name, id: t.id, name: t.name, state: 'active', vocabulary_id: null })) : tags.map((t) => t.name);
    },
  },
  license_list: {
    read: true,
    doc: 'Return the licences datasets may use.',
    async run(a) {
      return (await a.svc.licences()).map(licenceDict);
    },
  },
  resource_show: {
    read: true,
    doc: 'Return a resource. id: the resource id.',
    async run(a, d) {
      const { resource } = await a.svc.resourceShow(a.caller, requireId(d));
      return resourceDict(resource, a.siteUrl);
    },
  },
  resource_search: {
    read: true,
    doc: 'Search resources of public datasets. query: "field:term" or a list of them (AND); terms match as case-insensitive substrings, hash as a prefix. order_by, offset, limit.',
    async run(a, d) {
      const raw = d.query;
      if (raw === undefined || raw === null) throw ckanValidation({ query: ['Missing value'] });
      const list = Array.isArray(raw) ? raw : [raw];
      const fields: [string, string][] = [];
      for (const item of list) {
        if (typeof item !== 'string' || !item.includes(':')) throw ckanValidation({ query: ['Must be <field>:<value> pair(s)'] });
        const i = item.indexOf(':');
        const field = item.slice(0, i);
        if (!RESOURCE_SEARCH_FIELDS.has(field)) throw ckanValidation({ query: [`Field "${field.slice(0, 50)}" not recognised in resource_search.`] });
        fields.push([field, item.slice(i + 1)]);
      }
      const offset = natural(d, 'offset', 0)!;
      const limit = natural(d, 'limit', null);
      const orderBy = str(d, 'order_by');
      let q = a.app.db
        .selectFrom('catalog_resources as r')
        .innerJoin('catalog_datasets as p', 'p.id', 'r.package_id')
        .where('p.state', '=', 'active')
        .where('p.private', '=', 0)
        .where('r.state', '=', 'active');
      for (const [field, term] of fields) {
        const col = sql.ref(`r.${field}`);
        q =
          field === 'hash'
            ? q.where(sql<boolean>`lower(${col}) like ${escapeLike(term.toLowerCase()) + '%'} escape '\\'`)
            : q.where(sql<boolean>`lower(${col}) like ${'%' + escapeLike(term.toLowerCase()) + '%'} escape '\\'`);
      }
      const count = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      let rq = q.selectAll('r');
      if (orderBy && RESOURCE_SEARCH_FIELDS.has(orderBy)) rq = rq.orderBy(sql.ref(`r.${orderBy}`));
      rq = rq.orderBy('r.id');
      const rows = await rq.limit(Math.min(limit ?? ROWS_MAX, ROWS_MAX)).offset(offset).execute();
      return { count, results: rows.map((r) => resourceDict(r, a.siteUrl)) };
    },
  },
  package_activity_list: {
    read: true,
    doc: 'Return the activity stream of a dataset, newest first. id: its id or name. limit (default 31, at most 100), offset.',
    async run(a, d) {
      const { full } = await a.svc.show(a.caller, requireId(d));
      const limit = Math.min(natural(d, 'limit', 31)!, 100);
      const offset = natural(d, 'offset', 0)!;
      const rows = await a.svc.activities(full.row.id, limit, offset);
      return rows.map((r) => ({ id: String(r.id), activity_type: r.activity_type, object_id: r.object_id, user_id: r.user_id === null ? null : String(r.user_id), timestamp: r.timestamp.replace('Z', ''), data: JSON.parse(r.data_json) as unknown }));
    },
  },
  status_show: {
    read: true,
    doc: 'Return the site status: the CKAN API version followed, site title and URL, locale.',
    async run(a) {
      return {
        site_title: 'Kabuto',
        site_description: 'Open data catalog of the Tokyo Metropolitan Government and Tokyo municipalities',
        site_url: a.siteUrl,
        ckan_version: '2.11.0',
        error_emails_to: null,
        locale_default: 'ja',
        extensions: [],
      };
    },
  },
  help_show: {
    read: true,
    doc: 'Return the help text of an action. name: the action name.',
    async run(_a, d) {
      const name = requireId(d, 'name');
      const action = ACTIONS[name];
      if (!action) throw new CkanError('Not Found Error', `Not found: Action function not found: ${name.slice(0, 100)}`);
      return action.doc;
    },
  },

  package_create: {
    read: false,
    doc: 'Create a dataset. name (2–100 lowercase letters, digits, - and _), title, notes, owner_org (required), license_id, author, author_email, maintainer, maintainer_email, url, version, private, state, tags, extras, groups, resources.',
    async run(a, d) {
      return pkg(a, await a.svc.createPackage(a.caller, d));
    },
  },
  package_update: {
    read: false,
    doc: 'Update a dataset. id: its id or name. Fields left out are cleared; resources and groups left out are kept.',
    async run(a, d) {
      return pkg(a, (await a.svc.updatePackage(a.caller, d, 'update')).full);
    },
  },
  package_patch: {
    read: false,
    doc: 'Update some fields of a dataset, keeping the others. id: its id or name.',
    async run(a, d) {
      return pkg(a, (await a.svc.updatePackage(a.caller, d, 'patch')).full);
    },
  },
  package_delete: {
    read: false,
    doc: "Delete a dataset (its state becomes 'deleted'). id: its id or name.",
    async run(a, d) {
      await a.svc.deletePackage(a.caller, requireId(d));
      return null;
    },
  },
  dataset_purge: {
    read: false,
    doc: 'Remove a dataset and its files for good (administrators). id: its id or name.',
    async run(a, d) {
      await a.svc.purgePackage(a.caller, requireId(d));
      return null;
    },
  },
  resource_create: {
    read: false,
    doc: 'Add a resource to a dataset. package_id, url or an uploaded file (multipart field upload), name, description, format, mimetype, size, hash, created, last_modified.',
    async run(a, d) {
      return resourceDict(await a.svc.resourceCreate(a.caller, d, fileFor(a)), a.siteUrl);
    },
  },
  resource_update: {
    read: false,
    doc: 'Update a resource. id: the resource id. Fields left out are cleared (an uploaded file stays unless replaced).',
    async run(a, d) {
      return resourceDict(await a.svc.resourceUpdate(a.caller, d, 'update', fileFor(a)), a.siteUrl);
    },
  },
  resource_patch: {
    read: false,
    doc: 'Update some fields of a resource, keeping the others. id: the resource id.',
    async run(a, d) {
      return resourceDict(await a.svc.resourceUpdate(a.caller, d, 'patch', fileFor(a)), a.siteUrl);
    },
  },
  resource_delete: {
    read: false,
    doc: 'Delete a resource. id: the resource id.',
    async run(a, d) {
      await a.svc.resourceDelete(a.caller, requireId(d));
      return null;
    },
  },
  organization_create: {
    read: false,
    doc: 'Create an organization (administrators). name, title (Japanese), title_en or title_translated {ja, en}, description, image_url, kind (tmg, bureau, municipality, other), lg_code, id.',
    async run(a, d) {
      const o = await a.svc.organizationCreate(a.caller, d);
      return orgShow(a, o, {});
    },
  },
  organization_update: {
    read: false,
    doc: 'Update an organization (administrators). id: its id or name. A new name keeps its datasets (their search documents follow).',
    async run(a, d) {
      return orgShow(a, await a.svc.organizationUpdate(a.caller, d, 'update'), {});
    },
  },
  organization_patch: {
    read: false,
    doc: 'Update some fields of an organization, keeping the others (administrators). id: its id or name.',
    async run(a, d) {
      return orgShow(a, await a.svc.organizationUpdate(a.caller, d, 'patch'), {});
    },
  },
};
