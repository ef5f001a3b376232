import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/context.js';
import { DomainError, type FieldProblem } from '../../core/errors.js';
import { page } from '../../core/http/render.js';
import { pick } from '../../core/i18n/index.js';
import { callerOf, type CatalogService, type Caller } from '../service.js';
import { isUploadedFile, RawBody } from '../body.js';
import type { FullDataset, OrgRow } from '../store.js';
import type { DataDict, Issue } from '../validate.js';
import type { UploadedFile } from '../uploads.js';
import { search, searchFailure, type SearchParams } from '../search-port.js';
import { formProblems } from './components.js';
import { emptyFilters, FACET_FIELDS, SearchView, SORTS, type FacetField, type FacetItem, type SearchState, type SortKey } from './search.js';
import { DatasetPage, GroupIntro, GroupsPage, OrganizationsPage, OrgIntro, type HarvestOrigin } from './dataset.js';
import { harvestStore } from '../harvest/store.js';
import { datasetStandardResults } from '../standards/service.js';
import { DatasetForm, datasetField, emptyDatasetForm, ResourceForm, resourceField, type DatasetFormValues, type ResourceFormValues } from './forms.js';

const EDITORS = ['admin', 'staff', 'publisher'] as const;
const ROWS = 20;
const FACET_LIMIT = 20;
/** Search pages stop at this page (the engine answers at most a few thousand rows deep). */
const MAX_PAGE = 500;

type Query = Record<string, unknown>;

const first = (v: unknown): string => (Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '');
const all = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? [v] : []).filter(Boolean).slice(0, 20);

export function searchState(q: Query): SearchState {
  const sort = first(q.sort) as SortKey;
  const pageNo = Number.parseInt(first(q.page), 10);
  const filters = emptyFilters();
  for (const f of FACET_FIELDS) filters[f] = [...new Set(all(q[f]).map((v) => v.slice(0, 200)))];
  return { q: first(q.q).slice(0, 1000), sort: sort in SORTS ? sort : 'relevance', page: Number.isFinite(pageNo) && pageNo >= 1 ? Math.min(pageNo, MAX_PAGE) : 1, filters };
}

/** A filter query for one facet value, quoted so the value is never syntax. */
export function fqFor(field: FacetField, value: string): string {
  return `${field}:"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function bodyOf(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  if (!b || b instanceof RawBody || typeof b !== 'object') return {};
  return b as Record<string, unknown>;
}

function issuesOf(err: unknown): Issue[] | null {
  if (err instanceof DomainError && err.code === 'validation-failed') return (err.extra.issues as Issue[] | undefined) ?? err.fields.map((f) => ({ ...f, code: 'x' }));
  return null;
}

export async function catalogPages(app: FastifyInstance, ctx: AppContext, svc: CatalogService): Promise<void> {
  const caller = (req: FastifyRequest): Caller => callerOf(req.user, req.id);

  /** Facet values with their labels in the reader's language. */
  async function facetItems(req: FastifyRequest, facets: Record<string, Record<string, number>>): Promise<Partial<Record<FacetField, FacetItem[]>>> {
    const [orgs, groups, licences] = await Promise.all([svc.orgs(), svc.groups(), svc.licences()]);
    const lang = req.lang;
    const label = (f: FacetField, name: string): string => {
      if (f === 'organization') {
        const o = orgs.find((x) => x.name === name);
        return o ? pick(lang, o.title_ja, o.title_en) : name;
      }
      if (f === 'groups') {
        const g = groups.find((x) => x.name === name);
        return g ? pick(lang, g.title_ja, g.title_en) : name;
      }
      if (f === 'license_id') {
        const l = licences.find((x) => x.id === name);
        return l ? pick(lang, l.title_ja, l.title_en) : name;
      }
      return name;
    };
    const out: Partial<Record<FacetField, FacetItem[]>> = {};
    for (const f of FACET_FIELDS) {
      const values = facets[f];
      if (!values) continue;
      out[f] = Object.entries(values)
        .map(([name, count]) => ({ name, count, label: label(f, name) }))
        .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, lang));
    }
    return out;
  }

  /** The search page, or an organization's / category's page (a fixed filter). */
  async function searchPage(req: FastifyRequest, reply: FastifyReply, opts: { action: string; heading: string; fixed?: { field: FacetField; value: string }; intro?: preact.ComponentChildren; title: string }) {
    const c = caller(req);
    const state = searchState(req.query as Query);
    if (opts.fixed) state.filters[opts.fixed.field] = [opts.fixed.value];
    const v = await svc.visibility(c);
    const params: SearchParams = {
      ...(state.q.trim() ? { q: state.q } : {}),
      fqList: FACET_FIELDS.flatMap((f) => state.filters[f].map((x) => fqFor(f, x))),
      facetFields: [...FACET_FIELDS],
      facetLimit: FACET_LIMIT,
      facetMinCount: 1,
      rows: ROWS,
      start: (state.page - 1) * ROWS,
      sort: SORTS[state.sort],
      visibility: svc.searchVisibility(v, true),
    };
    let notice: string | undefined;
    let count = 0;
    let results: { f: FullDataset; highlight?: { title?: string; notes?: string } }[] = [];
    let facets: Partial<Record<FacetField, FacetItem[]>> = {};
    try {
      const r = await search(ctx.db, ctx.dialect, params);
      const fulls = await svc.fullMany(r.ids);
      count = r.count;
      results = fulls.map((f) => ({ f, highlight: r.highlights[f.row.id] }));
      facets = await facetItems(req, r.facets);
    } catch (err) {
      const failure = searchFailure(err);
      if (!failure) throw err;
      if (failure.kind === 'query') notice = req.t('catalog.search.invalid', { message: failure.message });
      else {
        // The index cannot answer (e.g. being rebuilt): list recent datasets from the tables instead.
        req.log.warn({ err }, 'catalog search unavailable; listing recent datasets');
        notice = req.t('catalog.search.unavailable');
        const orgId = opts.fixed?.field === 'organization' ? (await svc.org(opts.fixed.value))?.id : undefined;
        const groupId = opts.fixed?.field === 'groups' ? (await svc.group(opts.fixed.value))?.id : undefined;
        const recent = await svc.recent(c, { limit: ROWS, offset: (state.page - 1) * ROWS, orgId, groupId, includePrivate: true });
        count = recent.count;
        results = (await svc.fullMany(recent.ids)).map((f) => ({ f }));
      }
    }
    const canCreate = !!req.user && EDITORS.includes(req.user.role as (typeof EDITORS)[number]);
    const canHarvest = req.user?.role === 'staff' || req.user?.role === 'admin';
    return page(req, reply, opts.title, (pc) => (
      <SearchView
        ctx={pc}
        action={opts.action}
        heading={opts.heading}
        intro={opts.intro}
        state={state}
        fixed={opts.fixed?.field}
        count={count}
        rows={ROWS}
        results={results}
        facets={facets}
        notice={notice}
        actions={
          <ul class="inline-list catalog-links">
            <li>
              <a href="/catalog/organizations">{pc.t('catalog.orgs.link')}</a>
            </li>
            <li>
              <a href="/catalog/groups">{pc.t('catalog.groups.link')}</a>
            </li>
            {canHarvest && (
              <li>
                <a href="/catalog/harvest">{pc.t('harvest.title')}</a>
              </li>
            )}
            {canCreate && (
              <li>
                <a class="button secondary" href="/dataset/new">
                  {pc.t('catalog.new')}
                </a>
              </li>
            )}
          </ul>
        }
      />
    ));
  }

  app.get('/catalog', { schema: { hide: true } }, async (req, reply) =>
    searchPage(req, reply, { action: '/catalog', heading: req.t('catalog.title'), title: req.t('catalog.title'), intro: <p class="lead">{req.t('catalog.lead')}</p> }),
  );

  app.get('/catalog/organizations', { schema: { hide: true } }, async (req, reply) => {
    const [orgs, counts] = await Promise.all([svc.orgs(), svc.countsByOrg(caller(req))]);
    const rows = orgs.map((o) => ({ o, count: counts.get(o.id) ?? 0 })).sort((a, b) => (a.o.lg_code ?? a.o.id).localeCompare(b.o.lg_code ?? b.o.id));
    return page(req, reply, req.t('catalog.orgs.title'), (pc) => <OrganizationsPage ctx={pc} rows={rows} />);
  });

  app.get('/catalog/groups', { schema: { hide: true } }, async (req, reply) => {
    const [groups, counts] = await Promise.all([svc.groups(), svc.countsByGroup()]);
    const rows = groups.filter((g) => g.state === 'active').map((g) => ({ g, count: counts.get(g.id) ?? 0 }));
    return page(req, reply, req.t('catalog.groups.title'), (pc) => <GroupsPage ctx={pc} rows={rows} />);
  });

  app.get<{ Params: { name: string } }>('/organization/:name', { schema: { hide: true } }, async (req, reply) => {
    const o = await svc.org(req.params.name);
    if (!o || o.state !== 'active') throw new DomainError('not-found', 'Organization not found');
    if (o.name !== req.params.name) return reply.redirect(`/organization/${encodeURIComponent(o.name)}`, 301);
    const name = pick(req.lang, o.title_ja, o.title_en);
    return searchPage(req, reply, { action: `/organization/${encodeURIComponent(o.name)}`, heading: req.t('catalog.org.title', { name }), title: name, fixed: { field: 'organization', value: o.name }, intro: <OrgIntroFor o={o} req={req} /> });
  });

  app.get<{ Params: { name: string } }>('/group/:name', { schema: { hide: true } }, async (req, reply) => {
    const g = await svc.group(req.params.name);
    if (!g) throw new DomainError('not-found', 'Category not found');
    const name = pick(req.lang, g.title_ja, g.title_en);
    return searchPage(req, reply, { action: `/group/${encodeURIComponent(g.name)}`, heading: req.t('catalog.group.title', { name }), title: name, fixed: { field: 'groups', value: g.name }, intro: <GroupIntro ctx={{ t: req.t, lang: req.lang } as Parameters<typeof GroupIntro>[0]['ctx']} g={g} /> });
  });

  // ------------------------------------------------------------------ dataset pages

  /** The dataset of a URL, or a redirect to its current name (old names, ids). 404 for readers who may not see it. */
  async function datasetOf(req: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply, suffix = ''): Promise<FullDataset | null> {
    const r = await svc.resolve(req.params.name);
    if (!r || !svc.canRead(caller(req), r.row)) throw new DomainError('not-found', 'Dataset not found');
    if (r.row.name !== req.params.name) {
      const q = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      await reply.redirect(`/dataset/${encodeURIComponent(r.row.name)}${suffix}${q}`, 301);
      return null;
    }
    const f = await svc.full(r.row.id);
    if (!f) throw new DomainError('not-found', 'Dataset not found');
    return f;
  }

  async function editable(req: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply, suffix: string): Promise<FullDataset | null> {
    const f = await datasetOf(req, reply, suffix);
    if (f && !svc.canEditOrg(caller(req), f.row.owner_org)) throw new DomainError('forbidden', 'You may not edit datasets of this organization');
    return f;
  }

  /** Where a harvested dataset came from: its extras, and the source and harvest object while the source exists. */
  async function harvestOrigin(req: FastifyRequest, f: FullDataset): Promise<HarvestOrigin | null> {
    const x = f.extras;
    if (!x.harvest_source_id && !x.harvest_source_title && !x.harvest_url) return null;
    const o = await harvestStore.originOfDataset(ctx.db, f.row.id);
    const staff = req.user?.role === 'staff' || req.user?.role === 'admin';
    const url = x.harvest_url && /^https?:\/\//i.test(x.harvest_url) ? x.harvest_url : undefined;
    return {
      title: o?.source_title || x.harvest_source_title || x.harvest_source_id || '',
      ...(o && staff ? { href: `/catalog/harvest/${encodeURIComponent(o.source_name)}` } : {}),
      ...(url ? { url } : {}),
      ...(o ? { harvestedAt: o.updated_at } : {}),
    };
  }

  app.get<{ Params: { name: string }; Querystring: { saved?: string } }>('/dataset/:name', { schema: { hide: true } }, async (req, reply) => {
    const f = await datasetOf(req, reply);
    if (!f) return reply;
    const c = caller(req);
    const canEdit = svc.canEditOrg(c, f.row.owner_org) && !!req.user;
    const [activities, oldNames, standard, harvest] = await Promise.all([svc.activities(f.row.id, 20), svc.oldNames(f.row.id), datasetStandardResults(svc, f), harvestOrigin(req, f)]);
    const notice = req.query.saved === '1' ? req.t('catalog.dataset.saved') : undefined;
    return page(req, reply, f.row.title || f.row.name, (pc) => (
      <DatasetPage ctx={pc} f={f} activities={activities} oldNames={oldNames.map((o) => o.old_name)} canEdit={canEdit} showActors={canEdit} notice={notice} standard={standard} harvest={harvest} />
    ));
  });

  // ------------------------------------------------------------------ editing

  async function editableOrgs(c: Caller): Promise<OrgRow[]> {
    const orgs = await svc.orgs();
    return orgs.filter((o) => svc.canEditOrg(c, o.id)).sort((a, b) => (a.lg_code ?? a.id).localeCompare(b.lg_code ?? b.id));
  }

  function formValues(body: Record<string, unknown>): DatasetFormValues {
    const s = (k: string) => first(body[k]);
    return {
      title: s('title'),
      name: s('name').trim(),
      notes: s('notes'),
      owner_org: s('owner_org'),
      license_id: s('license_id'),
      groups: Array.isArray(body.groups) ? body.groups.map(String) : body.groups ? [String(body.groups)] : [],
      tag_string: s('tag_string'),
      frequency: s('frequency').trim(),
      author: s('author'),
      author_email: s('author_email'),
      maintainer: s('maintainer'),
      maintainer_email: s('maintainer_email'),
      url: s('url').trim(),
      version: s('version'),
      private: s('private') === 'true',
      state: s('state') === 'draft' ? 'draft' : 'active',
    };
  }

  function dataFromForm(v: DatasetFormValues, extras: Record<string, string>): DataDict {
    const opt = (x: string) => (x.trim() === '' ? null : x);
    const ex = { ...extras };
    if (v.frequency) ex.frequency = v.frequency;
    else delete ex.frequency;
    return {
      title: v.title,
      name: v.name,
      notes: v.notes,
      owner_org: v.owner_org,
      license_id: v.license_id || null,
      groups: v.groups.map((id) => ({ id })),
      tag_string: v.tag_string,
      tags: [],
      extras: Object.entries(ex).map(([key, value]) => ({ key, value })),
      author: opt(v.author),
      author_email: opt(v.author_email),
      maintainer: opt(v.maintainer),
      maintainer_email: opt(v.maintainer_email),
      url: opt(v.url),
      version: opt(v.version),
      private: v.private,
      state: v.state,
    };
  }

  function valuesOf(f: FullDataset): DatasetFormValues {
    const r = f.row;
    return {
      title: r.title,
      name: r.name,
      notes: r.notes,
      owner_org: r.owner_org,
      license_id: r.license_id ?? '',
      groups: f.groups.map((g) => g.id),
      tag_string: f.tags.map((x) => x.name).join(', '),
      frequency: f.extras.frequency ?? '',
      author: r.author ?? '',
      author_email: r.author_email ?? '',
      maintainer: r.maintainer ?? '',
      maintainer_email: r.maintainer_email ?? '',
      url: r.url ?? '',
      version: r.version ?? '',
      private: r.private === 1,
      state: r.state === 'draft' ? 'draft' : 'active',
    };
  }

  async function datasetForm(req: FastifyRequest, reply: FastifyReply, opts: { heading: string; action: string; cancel: string; values: DatasetFormValues; errors: FieldProblem[]; status?: number; current?: FullDataset }) {
    const c = caller(req);
    let orgs = await editableOrgs(c);
    // A dataset can be edited by staff of another organization, so its own organization is always a choice.
    if (opts.current && !orgs.some((o) => o.id === opts.current!.org.id)) orgs = [opts.current.org, ...orgs];
    const [licences, groups] = await Promise.all([svc.licences(), svc.groups()]);
    return page(req, reply, opts.heading, (pc) => <DatasetForm ctx={pc} heading={opts.heading} action={opts.action} cancel={opts.cancel} values={opts.values} errors={opts.errors} orgs={orgs} licences={licences} groups={groups} />, { status: opts.status });
  }

  const editors = { config: { auth: EDITORS }, schema: { hide: true } };

  app.get('/dataset/new', editors, async (req, reply) => {
    const orgs = await editableOrgs(caller(req));
    const own = req.user?.orgId && orgs.some((o) => o.id === req.user!.orgId) ? req.user.orgId : (orgs[0]?.id ?? '');
    return datasetForm(req, reply, { heading: req.t('catalog.form.newTitle'), action: '/dataset/new', cancel: '/catalog', values: emptyDatasetForm(own), errors: [] });
  });

  app.post('/dataset/new', editors, async (req, reply) => {
    const values = formValues(bodyOf(req));
    try {
      const f = await svc.createPackage(caller(req), dataFromForm(values, {}));
      return reply.redirect(`/dataset/${encodeURIComponent(f.row.name)}?saved=1`, 303);
    } catch (err) {
      const issues = issuesOf(err);
      if (!issues) throw err;
      return datasetForm(req, reply, { heading: req.t('catalog.form.newTitle'), action: '/dataset/new', cancel: '/catalog', values, errors: formProblems(req.t, issues, datasetField), status: 422 });
    }
  });

  app.get<{ Params: { name: string } }>('/dataset/:name/edit', editors, async (req, reply) => {
    const f = await editable(req, reply, '/edit');
    if (!f) return reply;
    const base = `/dataset/${encodeURIComponent(f.row.name)}`;
    return datasetForm(req, reply, { heading: req.t('catalog.form.editTitle', { name: f.row.title || f.row.name }), action: `${base}/edit`, cancel: base, values: valuesOf(f), errors: [], current: f });
  });

  app.post<{ Params: { name: string } }>('/dataset/:name/edit', editors, async (req, reply) => {
    const f = await editable(req, reply, '/edit');
    if (!f) return reply;
    const values = formValues(bodyOf(req));
    const base = `/dataset/${encodeURIComponent(f.row.name)}`;
    try {
      const r = await svc.updatePackage(caller(req), { ...dataFromForm(values, f.extras), id: f.row.id }, 'patch');
      return reply.redirect(`/dataset/${encodeURIComponent(r.full.row.name)}?saved=1`, 303);
    } catch (err) {
      const issues = issuesOf(err);
      if (!issues) throw err;
      return datasetForm(req, reply, { heading: req.t('catalog.form.editTitle', { name: f.row.title || f.row.name }), action: `${base}/edit`, cancel: base, values, errors: formProblems(req.t, issues, datasetField), status: 422, current: f });
    }
  });

  app.post<{ Params: { name: string } }>('/dataset/:name/delete', editors, async (req, reply) => {
    const f = await editable(req, reply, '/delete');
    if (!f) return reply;
    await svc.deletePackage(caller(req), f.row.id);
    return reply.redirect(`/organization/${encodeURIComponent(f.org.name)}`, 303);
  });

  // ------------------------------------------------------------------ resources

  function resourceValues(body: Record<string, unknown>): { values: ResourceFormValues; file?: UploadedFile } {
    const s = (k: string) => first(body[k]);
    const file = isUploadedFile(body.upload) ? body.upload : undefined;
    return { values: { name: s('name'), description: s('description'), format: s('format').trim(), url: s('url').trim() }, file };
  }

  function resourceForm(req: FastifyRequest, reply: FastifyReply, f: FullDataset, opts: { action: string; values: ResourceFormValues; errors: FieldProblem[]; status?: number; deleteAction?: string; heading?: string }) {
    const base = `/dataset/${encodeURIComponent(f.row.name)}`;
    const heading = opts.heading ?? req.t('catalog.form.newResource', { name: f.row.title || f.row.name });
    return page(req, reply, heading, (pc) => <ResourceForm ctx={pc} heading={heading} action={opts.action} cancel={base} values={opts.values} errors={opts.errors} deleteAction={opts.deleteAction} />, { status: opts.status });
  }

  const needUrlOrFile = (req: FastifyRequest): FieldProblem[] => [{ field: 'url', message: req.t('catalog.form.resourceNeeded') }];

  app.get<{ Params: { name: string } }>('/dataset/:name/resource/new', editors, async (req, reply) => {
    const f = await editable(req, reply, '/resource/new');
    if (!f) return reply;
    return resourceForm(req, reply, f, { action: `/dataset/${encodeURIComponent(f.row.name)}/resource/new`, values: { name: '', description: '', format: '', url: '' }, errors: [] });
  });

  app.post<{ Params: { name: string } }>('/dataset/:name/resource/new', editors, async (req, reply) => {
    const f = await editable(req, reply, '/resource/new');
    if (!f) return reply;
    const { values, file } = resourceValues(bodyOf(req));
    const action = `/dataset/${encodeURIComponent(f.row.name)}/resource/new`;
    if (!values.url && !file) return resourceForm(req, reply, f, { action, values, errors: needUrlOrFile(req), status: 422 });
    try {
      await svc.resourceCreate(caller(req), { package_id: f.row.id, name: values.name, description: values.description, format: values.format, url: file ? '' : values.url, ...(file ? { url_type: 'upload' } : {}) }, file);
      return reply.redirect(`/dataset/${encodeURIComponent(f.row.name)}?saved=1`, 303);
    } catch (err) {
      const issues = issuesOf(err);
      if (!issues) throw err;
      return resourceForm(req, reply, f, { action, values, errors: formProblems(req.t, issues, resourceField), status: 422 });
    }
  });

  app.get<{ Params: { name: string; rid: string } }>('/dataset/:name/resource/:rid/edit', editors, async (req, reply) => {
    const f = await editable(req, reply, `/resource/${encodeURIComponent(req.params.rid)}/edit`);
    if (!f) return reply;
    const res = f.resources.find((r) => r.id === req.params.rid);
    if (!res) throw new DomainError('not-found', 'Resource not found');
    const base = `/dataset/${encodeURIComponent(f.row.name)}/resource/${encodeURIComponent(res.id)}`;
    return resourceForm(req, reply, f, {
      heading: req.t('catalog.dataset.editResourceOf', { name: res.name || res.id }),
      action: `${base}/edit`,
      deleteAction: `${base}/delete`,
      values: { name: res.name ?? '', description: res.description ?? '', format: res.format, url: res.url, uploaded: res.url_type === 'upload' ? res.url : undefined },
      errors: [],
    });
  });

  app.post<{ Params: { name: string; rid: string } }>('/dataset/:name/resource/:rid/edit', editors, async (req, reply) => {
    const f = await editable(req, reply, `/resource/${encodeURIComponent(req.params.rid)}/edit`);
    if (!f) return reply;
    const res = f.resources.find((r) => r.id === req.params.rid);
    if (!res) throw new DomainError('not-found', 'Resource not found');
    const { values, file } = resourceValues(bodyOf(req));
    const base = `/dataset/${encodeURIComponent(f.row.name)}/resource/${encodeURIComponent(res.id)}`;
    const keepsUpload = res.url_type === 'upload' && !values.url && !file;
    const form = (errors: FieldProblem[]) =>
      resourceForm(req, reply, f, { heading: req.t('catalog.dataset.editResourceOf', { name: res.name || res.id }), action: `${base}/edit`, deleteAction: `${base}/delete`, values: { ...values, uploaded: res.url_type === 'upload' ? res.url : undefined }, errors, status: 422 });
    if (!values.url && !file && !keepsUpload) return form(needUrlOrFile(req));
    try {
      const data: DataDict = { id: res.id, name: values.name, description: values.description, format: values.format };
      if (!keepsUpload && !file) Object.assign(data, { url: values.url, url_type: null });
      await svc.resourceUpdate(caller(req), data, 'patch', file);
      return reply.redirect(`/dataset/${encodeURIComponent(f.row.name)}?saved=1`, 303);
    } catch (err) {
      const issues = issuesOf(err);
      if (!issues) throw err;
      return form(formProblems(req.t, issues, resourceField));
    }
  });

  app.post<{ Params: { name: string; rid: string } }>('/dataset/:name/resource/:rid/delete', editors, async (req, reply) => {
    const f = await editable(req, reply, `/resource/${encodeURIComponent(req.params.rid)}/delete`);
    if (!f) return reply;
    if (!f.resources.some((r) => r.id === req.params.rid)) throw new DomainError('not-found', 'Resource not found');
    await svc.resourceDelete(caller(req), req.params.rid);
    return reply.redirect(`/dataset/${encodeURIComponent(f.row.name)}?saved=1`, 303);
  });

  // ------------------------------------------------------------------ downloads

  app.get<{ Params: { id: string; rid: string; filename: string } }>('/dataset/:id/resource/:rid/download/:filename', { schema: { hide: true } }, async (req, reply) => {
    const r = await svc.resolve(req.params.id);
    if (!r || !svc.canRead(caller(req), r.row)) throw new DomainError('not-found', 'Dataset not found');
    const f = await svc.full(r.row.id);
    const res = f?.resources.find((x) => x.id === req.params.rid);
    if (!res || res.url_type !== 'upload' || !res.upload_key || !(await svc.uploads.exists(res.upload_key))) throw new DomainError('not-found', 'File not found');
    // Served as a download with the type found in its content, never sniffed or rendered by the browser.
    return reply
      .header('content-type', res.mimetype ?? 'application/octet-stream')
      .header('content-disposition', `attachment; filename="${res.url.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(res.url)}`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', r.row.private ? 'private, no-store' : 'public, max-age=300')
      .send(createReadStream(svc.uploads.path(res.upload_key)));
  });
}

function OrgIntroFor({ o, req }: { o: OrgRow; req: FastifyRequest }) {
  // The intro needs the page context only for translation and language.
  const ctx = { t: req.t, lang: req.lang } as Parameters<typeof OrgIntro>[0]['ctx'];
  return <OrgIntro ctx={ctx} o={o} />;
}
