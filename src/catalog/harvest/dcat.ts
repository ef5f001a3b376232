/**
 * Harvesting a DCAT catalog (JSON-LD, Turtle or RDF/XML), paged as ckanext-dcat pages it
 * (ckanext/dcat/processors.py, _add_pagination_triples: a hydra:PagedCollection with hydra:next
 * and the older hydra:nextPage). Every run reads every page: the set of dataset IRIs is the
 * listing deletions are taken from, and a dataset whose mapped content (dct:modified included) is
 * unchanged is skipped without a write.
 *
 * dcat:Dataset → dataset, dcat:Distribution → resource; dct:title / dct:description by language
 * (Japanese first, then untagged, then English); dcat:keyword → tags; dct:license → licence (by URL);
 * dct:issued / dct:modified → the dataset's times; dcat:theme → categories by name where one matches.
 */
import { createHash } from 'node:crypto';
import type { DataDict } from '../validate.js';
import type { RdfFormat } from './config.js';
import { FetchError, type HarvestHttp } from './http.js';
import { cleanEmail, cleanTags, isoTime, type GatherResult, type Gatherer, type RemoteRecord } from './model.js';
import { detectFormat, Graph, parseRdf, RdfSyntaxError, type Term } from './rdf.js';

const DCAT = 'http://www.w3.org/ns/dcat#';
const DCT = 'http://purl.org/dc/terms/';
const FOAF = 'http://xmlns.com/foaf/0.1/';
const VCARD = 'http://www.w3.org/2006/vcard/ns#';
const HYDRA = 'http://www.w3.org/ns/hydra/core#';
const OWL = 'http://www.w3.org/2002/07/owl#';
const RDFV = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#value';
const SKOS_PREF = 'http://www.w3.org/2004/02/skos/core#prefLabel';

const ACCEPT: Record<RdfFormat, string> = {
  auto: 'text/turtle, application/ld+json;q=0.9, application/rdf+xml;q=0.8, */*;q=0.1',
  turtle: 'text/turtle',
  jsonld: 'application/ld+json, application/json;q=0.9',
  rdfxml: 'application/rdf+xml, application/xml;q=0.9',
};

const MAX_PAGES = 10_000;

export class DcatGatherer implements Gatherer {
  constructor(
    private readonly http: HarvestHttp,
    private readonly url: string,
    private readonly opts: { format: RdfFormat; sourceName: string },
  ) {}

  async gather(batch: (records: RemoteRecord[], expected: number | null) => Promise<void>): Promise<GatherResult> {
    const pages: GatherResult['pages'] = [];
    const ids = new Set<string>();
    const visited = new Set<string>();
    let next: string | null = this.url;
    let expected: number | null = null;
    let complete = false;
    while (next) {
      if (visited.has(next) || visited.size >= MAX_PAGES) {
        pages.push({ url: next, reason: visited.has(next) ? 'the next page points back at a page already read' : `more than ${MAX_PAGES} pages` });
        break;
      }
      visited.add(next);
      const url: string = next;
      let g: Graph;
      try {
        const res = await this.http.get(url, ACCEPT[this.opts.format]);
        g = await parseRdf(res.body, detectFormat(this.opts.format, res.contentType, res.body), url);
      } catch (err) {
        pages.push({ url, reason: err instanceof FetchError || err instanceof RdfSyntaxError ? err.message : `unreadable: ${(err as Error).message}` });
        break;
      }
      const paging = pagingOf(g, url);
      if (expected === null && paging.total !== null) expected = paging.total;
      const records: RemoteRecord[] = [];
      for (const s of g.ofType(`${DCAT}Dataset`)) {
        const rec = mapDcatDataset(g, s, this.opts.sourceName);
        if (ids.has(rec.remoteId)) continue;
        if (rec.remoteId) ids.add(rec.remoteId);
        records.push(rec);
      }
      if (records.length) await batch(records, expected);
      next = paging.next;
      if (!next) complete = true;
    }
    return { complete, present: complete ? { by: 'id', values: ids } : null, highWater: null, pages };
  }
}

function pagingOf(g: Graph, base: string): { next: string | null; total: number | null } {
  const collections = [...g.ofType(`${HYDRA}PagedCollection`), ...g.ofType(`${HYDRA}PartialCollectionView`)];
  for (const c of collections) {
    const n = g.objects(c, `${HYDRA}next`)[0] ?? g.objects(c, `${HYDRA}nextPage`)[0];
    const t = g.objects(c, `${HYDRA}totalItems`)[0];
    const total = t && /^\d+$/.test(t.value) ? Number(t.value) : null;
    if (n) {
      try {
        return { next: new URL(n.value, base).toString(), total };
      } catch {
        return { next: null, total };
      }
    }
    if (total !== null) return { next: null, total };
  }
  return { next: null, total: null };
}

/** The literal in the reader's first language: Japanese, untagged, English, then any. */
export function pickLang(terms: Term[]): { text: string | null; en: string | null } {
  const lits = terms.filter((t) => t.termType === 'Literal' && t.value.trim());
  const by = (pred: (lang: string) => boolean) => lits.find((t) => pred((t.language ?? '').toLowerCase()))?.value.trim() ?? null;
  const ja = by((l) => l === 'ja' || l.startsWith('ja-'));
  const none = by((l) => l === '');
  const en = by((l) => l === 'en' || l.startsWith('en-'));
  return { text: ja ?? none ?? en ?? lits[0]?.value.trim() ?? null, en };
}

const lastSegment = (iri: string) => decodeURIComponent(iri.replace(/[#/]+$/, '').split(/[#/]/).pop() ?? '');

/** A local dataset name from the remote IRI: `<source>-<last path segment>`, or a hash when that will not do. */
export function nameFor(sourceName: string, remoteId: string): string {
  const seg = lastSegment(remoteId)
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  const base = seg && seg.length <= 60 ? seg : createHash('sha1').update(remoteId).digest('hex').slice(0, 12);
  return `${sourceName}-${base}`.slice(0, 100).replace(/-$/, '');
}

function text1(g: Graph, s: string, p: string): string | null {
  return pickLang(g.objects(s, p)).text;
}

/** A node's label: a literal, or a resource's name / title / prefLabel / rdf:value / fn. */
function label(g: Graph, t: Term | undefined): string | null {
  if (!t) return null;
  if (t.termType === 'Literal') return t.value.trim() || null;
  const k = Graph.key(t);
  for (const p of [`${FOAF}name`, `${DCT}title`, SKOS_PREF, RDFV, `${VCARD}fn`]) {
    const v = text1(g, k, p);
    if (v) return v;
  }
  return null;
}

function formatOf(g: Graph, d: string): { format: string; mimetype: string | null } {
  const media = g.objects(d, `${DCAT}mediaType`)[0];
  let mimetype: string | null = null;
  if (media) mimetype = media.termType === 'Literal' ? media.value : /media-types\/(.+)$/.exec(media.value)?.[1] ?? label(g, media);
  const f = g.objects(d, `${DCT}format`)[0];
  let format = '';
  if (f) {
    if (f.termType === 'Literal') format = f.value;
    else if (f.termType === 'NamedNode') format = /media-types\//.test(f.value) ? (/media-types\/[^/]+\/(.+)$/.exec(f.value)?.[1] ?? '') : lastSegment(f.value);
    else format = label(g, f) ?? '';
  }
  // A format given as a media type (dct:IMT with rdf:value "application/pdf") names the mimetype too.
  if (/^[a-z]+\/[\w.+-]+$/i.test(format)) {
    mimetype ??= format;
    format = '';
  }
  if (!format && mimetype) format = mimetype.split('/').pop()!.replace(/^vnd\.|^x-/, '');
  // ISO/EU file-type IRIs and media types name formats in their own spelling: CSV, not csv or text/csv.
  const known: Record<string, string> = { csv: 'CSV', json: 'JSON', xml: 'XML', pdf: 'PDF', html: 'HTML', zip: 'ZIP', xlsx: 'XLSX', xls: 'XLS', 'text/csv': 'CSV', 'ld+json': 'JSON-LD', turtle: 'Turtle', 'rdf+xml': 'RDF', geojson: 'GeoJSON', 'geo+json': 'GeoJSON', kml: 'KML', 'vnd.ms-excel': 'XLS' };
  const k = format.toLowerCase();
  return { format: (known[k] ?? format).slice(0, 100), mimetype: mimetype?.slice(0, 200) ?? null };
}

/** One dcat:Dataset as a RemoteRecord. */
export function mapDcatDataset(g: Graph, s: string, sourceName: string): RemoteRecord {
  const identifier = text1(g, s, `${DCT}identifier`);
  const remoteId = s.startsWith('_:') ? (identifier ?? '') : s;
  if (!remoteId) return { ok: false, remoteId: '', remoteName: '', reason: 'a dcat:Dataset without an IRI or a dct:identifier: it could not be recognised on the next run' };
  const remoteName = nameFor(sourceName, remoteId);
  const title = pickLang(g.objects(s, `${DCT}title`));
  if (!title.text) return { ok: false, remoteId, remoteName, reason: 'the dataset has no dct:title' };
  const desc = pickLang(g.objects(s, `${DCT}description`));
  const extras: Record<string, string> = {};
  if (title.en && title.en !== title.text) extras.title_en = title.en;
  if (desc.en && desc.en !== desc.text) extras.notes_en = desc.en.slice(0, 10_000);
  if (identifier) extras.identifier = identifier.slice(0, 10_000);
  const period = g.objects(s, `${DCT}accrualPeriodicity`)[0];
  if (period) extras.frequency = period.termType === 'Literal' ? period.value : lastSegment(period.value);
  const themes = g.objects(s, `${DCAT}theme`).map((t) => t.value);
  if (themes.length) extras.theme = themes.join(' ').slice(0, 10_000);
  const spatial = g.objects(s, `${DCT}spatial`)[0];
  if (spatial) extras.spatial = (label(g, spatial) ?? spatial.value).slice(0, 10_000);

  const keywords = g.objects(s, `${DCAT}keyword`).filter((t) => t.termType === 'Literal');
  const jaKw = keywords.filter((t) => !t.language || t.language.toLowerCase().startsWith('ja'));
  const tags = cleanTags((jaKw.length ? jaKw : keywords).map((t) => t.value));

  const licenceTerm = g.objects(s, `${DCT}license`)[0] ?? g.objects(s, `${DCT}rights`)[0];
  const publisher = label(g, g.objects(s, `${DCT}publisher`)[0]);
  const contact = g.objects(s, `${DCAT}contactPoint`)[0];
  const contactKey = contact ? Graph.key(contact) : null;
  const contactName = contactKey ? (text1(g, contactKey, `${VCARD}fn`) ?? text1(g, contactKey, `${VCARD}organization-name`)) : null;
  const contactMail = contactKey ? cleanEmail(g.objects(contactKey, `${VCARD}hasEmail`)[0]?.value) : null;
  const landing = g.objects(s, `${DCAT}landingPage`)[0];

  const resources: DataDict[] = [];
  const dists = g.objects(s, `${DCAT}distribution`);
  let distLicence: Term | undefined;
  for (const [i, dt] of dists.entries()) {
    const d = Graph.key(dt);
    const url = g.objects(d, `${DCAT}downloadURL`)[0]?.value ?? g.objects(d, `${DCAT}accessURL`)[0]?.value ?? '';
    const { format, mimetype } = formatOf(g, d);
    const size = g.objects(d, `${DCAT}byteSize`)[0]?.value;
    distLicence ??= g.objects(d, `${DCT}license`)[0];
    resources.push({
      remote_id: dt.termType === 'NamedNode' ? dt.value : (text1(g, d, `${DCT}identifier`) ?? `#${i}`),
      url,
      name: text1(g, d, `${DCT}title`),
      description: text1(g, d, `${DCT}description`),
      format,
      mimetype,
      size: size && /^\d+(\.0+)?$/.test(size) && Number.isSafeInteger(Math.round(Number(size))) ? Math.round(Number(size)) : null,
      hash: '',
      resource_type: null,
      created: isoTime(g.objects(d, `${DCT}issued`)[0]?.value),
      last_modified: isoTime(g.objects(d, `${DCT}modified`)[0]?.value),
    });
  }
  const lic = licenceTerm ?? distLicence;
  const modified = isoTime(g.objects(s, `${DCT}modified`)[0]?.value);
  const created = isoTime(g.objects(s, `${DCT}issued`)[0]?.value) ?? modified;
  return {
    ok: true,
    remoteId,
    remoteName,
    modified,
    created,
    remoteOrg: null,
    sourceUrl: landing?.termType === 'NamedNode' ? landing.value : s.startsWith('_:') ? null : s,
    dict: {
      title: title.text,
      notes: desc.text ?? '',
      license_url: lic ? (lic.termType === 'Literal' ? null : lic.termType === 'NamedNode' ? lic.value : null) : null,
      license_title: lic ? label(g, lic) : null,
      author: publisher,
      author_email: null,
      maintainer: contactName,
      maintainer_email: contactMail,
      url: landing && landing.termType === 'NamedNode' ? landing.value : null,
      version: text1(g, s, `${OWL}versionInfo`)?.slice(0, 100) ?? null,
      tags,
      extras,
      groups: themes.map((t) => lastSegment(t).toLowerCase()),
      resources,
    },
  };
}
