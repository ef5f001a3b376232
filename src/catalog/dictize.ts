/**
 * Rows → CKAN's dictionaries (ckan/lib/dictization/model_dictize.py: package_dictize,
 * resource_dictize, group_dictize; ckan/model/license.py: license_dictize). Field names and shapes
 * are CKAN's; Kabuto adds `title_translated` ({ja, en}) on organizations, groups and licences.
 */
import type { DatasetSearchDoc } from './search-port.js';
import type { FullDataset, GroupRow, LicenceRow, OrgRow, ResourceRow } from './store.js';
import type { DatasetInput, ResourceInput } from './validate.js';

/** CKAN prints UTC timestamps without a zone and with microseconds: 2021-11-04T00:59:26.000000. */
export function ckanTime(iso: string | null): string | null {
  if (!iso) return null;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z?$/.exec(iso);
  if (!m) return iso;
  return `${m[1]}.${(m[2] ?? '').padEnd(6, '0').slice(0, 6)}`;
}

export function orgDict(o: OrgRow) {
  return {
    id: o.id,
    name: o.name,
    title: o.title_ja,
    title_translated: { ja: o.title_ja, en: o.title_en },
    type: 'organization',
    description: o.description,
    image_url: o.image_url,
    created: ckanTime(o.created),
    is_organization: true,
    approval_status: 'approved',
    state: o.state,
  };
}

export function orgExtras(o: OrgRow): { key: string; value: string }[] {
  return [
    ['kind', o.kind],
    ['lg_code', o.lg_code],
    ['kana', o.kana],
    ['parent', o.parent_id],
  ]
    .filter((e): e is [string, string] => !!e[1])
    .map(([key, value]) => ({ key, value }));
}

export function groupDict(g: GroupRow) {
  return {
    id: g.id,
    name: g.name,
    title: g.title_ja,
    title_translated: { ja: g.title_ja, en: g.title_en },
    display_name: g.title_ja || g.name,
    description: g.description,
    image_display_url: g.image_url,
  };
}

export function groupFullDict(g: GroupRow) {
  return {
    ...groupDict(g),
    type: 'group',
    image_url: g.image_url,
    created: ckanTime(g.created),
    is_organization: false,
    approval_status: 'approved',
    state: g.state,
  };
}

export function licenceDict(l: LicenceRow) {
  return {
    id: l.id,
    title: l.title_ja,
    title_translated: { ja: l.title_ja, en: l.title_en },
    url: l.url,
    od_conformance: l.od_conformance,
    osd_conformance: l.osd_conformance,
    domain_content: false,
    domain_data: true,
    domain_software: false,
    family: '',
    is_generic: l.id === 'other',
    maintainer: '',
    status: 'active',
    compatible_with: l.compatible_with,
  };
}

export const isOpen = (l: LicenceRow | null) => !!l && (l.od_conformance === 'approved' || l.osd_conformance === 'approved');

/** Where an uploaded file is served: CKAN's /dataset/<id>/resource/<rid>/download/<filename>. */
export function downloadPath(packageId: string, resourceId: string, filename: string): string {
  return `/dataset/${encodeURIComponent(packageId)}/resource/${encodeURIComponent(resourceId)}/download/${encodeURIComponent(filename)}`;
}

export function resourceDict(r: ResourceRow, siteUrl: string) {
  const extras = JSON.parse(r.extras_json) as Record<string, string>;
  const url = r.url_type === 'upload' ? siteUrl + downloadPath(r.package_id, r.id, r.url) : r.url;
  return {
    ...extras,
    cache_last_updated: null,
    cache_url: null,
    created: ckanTime(r.created),
    datastore_active: false,
    description: r.description ?? '',
    format: r.format,
    hash: r.hash,
    id: r.id,
    last_modified: ckanTime(r.last_modified),
    metadata_modified: ckanTime(r.metadata_modified),
    mimetype: r.mimetype,
    mimetype_inner: null,
    name: r.name,
    package_id: r.package_id,
    position: r.position,
    resource_type: r.resource_type,
    size: r.size,
    state: r.state,
    url,
    url_type: r.url_type,
  };
}

export type PackageDict = ReturnType<typeof packageDict>;

export function packageDict(f: FullDataset, siteUrl: string) {
  const r = f.row;
  const licence = f.licence;
  return {
    author: r.author,
    author_email: r.author_email,
    creator_user_id: r.creator_user_id === null ? null : String(r.creator_user_id),
    id: r.id,
    isopen: isOpen(licence),
    license_id: r.license_id,
    license_title: licence ? licence.title_ja : r.license_id,
    ...(licence?.url ? { license_url: licence.url } : {}),
    maintainer: r.maintainer,
    maintainer_email: r.maintainer_email,
    metadata_created: ckanTime(r.metadata_created),
    metadata_modified: ckanTime(r.metadata_modified),
    name: r.name,
    notes: r.notes,
    num_resources: f.resources.length,
    num_tags: f.tags.length,
    organization: orgDict(f.org),
    owner_org: r.owner_org,
    private: r.private === 1,
    state: r.state,
    title: r.title,
    type: r.type,
    url: r.url,
    version: r.version,
    extras: Object.entries(f.extras)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => ({ key, value })),
    groups: f.groups.map(groupDict),
    resources: f.resources.map((x) => resourceDict(x, siteUrl)),
    tags: f.tags.map((t) => ({ display_name: t.name, id: t.id, name: t.name, state: 'active', vocabulary_id: null })),
    relationships_as_object: [] as unknown[],
    relationships_as_subject: [] as unknown[],
  };
}

/** The dataset as validated input (what package_update/patch start from). */
export function inputOf(f: FullDataset): DatasetInput {
  const r = f.row;
  return {
    id: r.id,
    name: r.name,
    title: r.title,
    notes: r.notes,
    license_id: r.license_id,
    author: r.author,
    author_email: r.author_email,
    maintainer: r.maintainer,
    maintainer_email: r.maintainer_email,
    url: r.url,
    version: r.version,
    private: r.private === 1,
    state: r.state === 'draft' ? 'draft' : 'active',
    type: r.type,
    owner_org: r.owner_org,
    tags: f.tags.map((t) => t.name),
    extras: { ...f.extras },
    groups: f.groups.map((g) => g.id),
    resources: f.resources.map(resourceInputOf),
  };
}

export function resourceInputOf(r: ResourceRow): ResourceInput {
  return {
    id: r.id,
    url: r.url,
    url_type: r.url_type,
    name: r.name,
    description: r.description,
    format: r.format,
    mimetype: r.mimetype,
    size: r.size,
    hash: r.hash,
    resource_type: r.resource_type,
    created: r.created,
    last_modified: r.last_modified,
    extras: JSON.parse(r.extras_json) as Record<string, string>,
  };
}

/** The search document of a dataset (the contract with the search engine). */
export function searchDocOf(f: FullDataset): DatasetSearchDoc {
  const r = f.row;
  return {
    id: r.id,
    name: r.name,
    title: r.title,
    notes: r.notes,
    tags: f.tags.map((t) => t.name),
    organization: f.org?.name ?? null,
    groups: f.groups.map((g) => g.name),
    resFormats: [...new Set(f.resources.map((x) => x.format).filter(Boolean))],
    resNames: f.resources.map((x) => x.name ?? '').filter(Boolean),
    resDescriptions: f.resources.map((x) => x.description ?? '').filter(Boolean),
    licenseId: r.license_id,
    private: r.private === 1,
    state: r.state,
    metadataCreated: r.metadata_created,
    metadataModified: r.metadata_modified,
    extras: { ...f.extras },
    author: r.author,
    maintainer: r.maintainer,
  };
}
