/**
 * The catalog as DCAT-AP 3 triples: dcat:Catalog, dcat:Dataset, dcat:Distribution and the nodes
 * they point at (publisher, contact point, licence, themes, frequency, formats, location). Every
 * node a DCAT-AP shape requires a class of (sh:class) is typed here, so the output validates on its
 * own without loading the EU vocabularies. The mapping is documented in docs/catalog-dcat.md.
 */
import { DataFactory, type Quad, type Quad_Object, type Quad_Subject } from 'n3';
import type { FullDataset, GroupRow, LicenceRow, OrgRow, ResourceRow } from '../store.js';
import { downloadPath } from '../dictize.js';
import { modelById } from '../standards/models.js';
import {
  ADMS_LICENCE_TYPE,
  ADMS_PUBLISHER_TYPE,
  CATEGORY_THEMES,
  CHECKSUM_BY_LENGTH,
  EU,
  EU_THEMES,
  FORMATS,
  FREQUENCIES,
  IANA_MEDIA_TYPES,
  LICENCE_TYPE_LABELS,
  PUBLISHER_TYPE_LABELS,
  formatKey,
  frequencyCode,
  iri,
  licenceType,
  type Prefix,
} from './vocab.js';

const { namedNode, literal, blankNode, quad } = DataFactory;

type Obj = Quad_Object;
type Subj = Quad_Subject;

const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text as a literal every serialization can carry (XML 1.0 cannot hold control characters or lone surrogates). */
export function cleanText(s: string): string {
  return s.replace(XML_ILLEGAL, '');
}

/** An absolute IRI from a URL as the catalog holds it, with the few characters an IRI may not contain percent-encoded; null when it is not absolute. */
export function safeIri(u: string | null | undefined): string | null {
  const s = (u ?? '').trim();
  if (!/^[a-z][a-z0-9+.-]*:\S/i.test(s)) return null;
  return s.replace(/[\u0000-\u0020<>"{}|\\^`\u007f]/g, (c) => encodeURIComponent(c));
}

export interface CatalogMeta {
  title: { ja: string; en: string };
  description: { ja: string; en: string };
  /** The organization publishing the catalog (the TMG). */
  publisher: OrgRow | null;
  /** Latest metadata_modified of the public datasets. */
  modified: string | null;
  /** The licence of the catalog's metadata. */
  licence: LicenceRow | null;
}

export interface Paging {
  count: number;
  itemsPerPage: number;
  page: number;
  /** The URL of a page of this listing. */
  url(page: number): string;
}

export interface GraphInput {
  base: string;
  orgs: ReadonlyMap<string, OrgRow>;
  categoriesTitle: { ja: string; en: string };
}

const P = (prefix: Prefix, local: string) => namedNode(iri(prefix, local));
const RDF_TYPE = P('rdf', 'type');
const dateTime = (iso: string) => literal(iso, P('xsd', 'dateTime'));

export const datasetIri = (base: string, id: string) => `${base}/dataset/${encodeURIComponent(id)}`;
export const distributionIri = (base: string, pkg: string, id: string) => `${base}/dataset/${encodeURIComponent(pkg)}/resource/${encodeURIComponent(id)}`;
export const orgIri = (base: string, id: string) => `${base}/organization/${encodeURIComponent(id)}`;
export const categoryIri = (base: string, id: string) => `${base}/group/${encodeURIComponent(id)}`;
export const categorySchemeIri = (base: string) => `${base}/catalog/categories`;
/** The catalog itself; its homepage is the search page at /catalog. */
export const catalogIri = (base: string) => `${base}/catalog#catalog`;

/** Builds the triples of one response; shared nodes (organizations, licences, concepts) are described once. */
export class DcatGraph {
  readonly quads: Quad[] = [];
  private readonly described = new Set<string>();

  constructor(private readonly input: GraphInput) {}

  private get base(): string {
    return this.input.base;
  }

  private add(s: Subj, p: string | ReturnType<typeof namedNode>, o: Obj): void {
    this.quads.push(quad(s, typeof p === 'string' ? namedNode(p) : p, o));
  }

  private text(s: Subj, p: ReturnType<typeof namedNode>, value: string | null | undefined, lang?: string): void {
    // Kept as written (whitespace included) so it reads back the same; an empty value says nothing.
    const v = cleanText(value ?? '');
    if (v.trim()) this.add(s, p, literal(v, lang));
  }

  /** Describe a node once per graph. */
  private once(key: string, describe: () => void): void {
    if (this.described.has(key)) return;
    this.described.add(key);
    describe();
  }

  // ---------------------------------------------------------------- shared nodes

  agent(o: OrgRow): Subj {
    const node = namedNode(orgIri(this.base, o.id));
    this.once(`org:${o.id}`, () => {
      this.add(node, RDF_TYPE, P('foaf', 'Agent'));
      this.add(node, RDF_TYPE, P('foaf', 'Organization'));
      this.text(node, P('foaf', 'name'), o.title_ja || o.name, 'ja');
      this.text(node, P('foaf', 'name'), o.title_en, 'en');
      if (o.lg_code) this.add(node, P('dct', 'identifier'), literal(o.lg_code));
      const type = o.kind === 'municipality' ? 'LocalAuthority' : o.kind === 'tmg' || o.kind === 'bureau' ? 'RegionalAuthority' : undefined;
      if (type) this.add(node, P('dct', 'type'), this.concept(ADMS_PUBLISHER_TYPE + type, PUBLISHER_TYPE_LABELS[type]!));
    });
    return node;
  }

  /** The area a publisher answers for: its own local government, or the one it belongs to (a bureau → Tokyo). */
  location(o: OrgRow): Subj | null {
    const area = o.lg_code ? o : o.parent_id ? this.input.orgs.get(o.parent_id) : undefined;
    if (!area?.lg_code) return null;
    const node = namedNode(`${orgIri(this.base, area.id)}#area`);
    this.once(`area:${area.id}`, () => {
      this.add(node, RDF_TYPE, P('dct', 'Location'));
      this.text(node, P('skos', 'prefLabel'), area.title_ja, 'ja');
      this.text(node, P('skos', 'prefLabel'), area.title_en, 'en');
      this.add(node, P('dct', 'identifier'), literal(area.lg_code!));
    });
    return node;
  }

  private concept(uri: string, labelEn: string, labelJa?: string, scheme?: string): Subj {
    const node = namedNode(uri);
    this.once(`concept:${uri}`, () => {
      this.add(node, RDF_TYPE, P('skos', 'Concept'));
      this.text(node, P('skos', 'prefLabel'), labelEn, 'en');
      if (labelJa) this.text(node, P('skos', 'prefLabel'), labelJa, 'ja');
      if (scheme) this.add(node, P('skos', 'inScheme'), namedNode(scheme));
    });
    return node;
  }

  licence(l: LicenceRow): Subj | null {
    const u = safeIri(l.url);
    if (!u) return null;
    const node = namedNode(u);
    this.once(`licence:${u}`, () => {
      this.add(node, RDF_TYPE, P('dct', 'LicenseDocument'));
      this.text(node, P('dct', 'title'), l.title_ja, 'ja');
      this.text(node, P('dct', 'title'), l.title_en, 'en');
      this.add(node, P('dct', 'identifier'), literal(l.id));
      const type = licenceType(l.id);
      if (type) this.add(node, P('dct', 'type'), this.concept(ADMS_LICENCE_TYPE + type, LICENCE_TYPE_LABELS[type]!));
    });
    return node;
  }

  private language(code: 'JPN' | 'ENG'): Subj {
    const node = namedNode(EU.language + code);
    this.once(`lang:${code}`, () => this.add(node, RDF_TYPE, P('dct', 'LinguisticSystem')));
    return node;
  }

  private typed(uri: string, cls: ReturnType<typeof namedNode>, labels: [string, string?][] = []): Subj {
    const node = namedNode(uri);
    this.once(`typed:${cls.value} ${uri}`, () => {
      this.add(node, RDF_TYPE, cls);
      for (const [text, lang] of labels) this.text(node, P('rdfs', 'label'), text, lang);
    });
    return node;
  }

  private euTheme(code: string): Subj {
    return this.concept(EU.theme + code, EU_THEMES[code]!, undefined, EU.themeScheme);
  }

  private category(g: GroupRow): Subj {
    const node = this.concept(categoryIri(this.base, g.id), g.title_en || g.name, g.title_ja || g.name, categorySchemeIri(this.base));
    this.once(`category-notation:${g.id}`, () => {
      this.add(node, P('skos', 'notation'), literal(g.name));
      for (const code of CATEGORY_THEMES[g.id] ?? []) this.add(node, P('skos', 'broadMatch'), namedNode(EU.theme + code));
    });
    return node;
  }

  private schemes(): void {
    this.once('schemes', () => {
      const eu = namedNode(EU.themeScheme);
      this.add(eu, RDF_TYPE, P('skos', 'ConceptScheme'));
      this.add(eu, P('dct', 'title'), literal('Data theme', 'en'));
      const own = namedNode(categorySchemeIri(this.base));
      this.add(own, RDF_TYPE, P('skos', 'ConceptScheme'));
      this.text(own, P('dct', 'title'), this.input.categoriesTitle.ja, 'ja');
      this.text(own, P('dct', 'title'), this.input.categoriesTitle.en, 'en');
    });
  }

  // ---------------------------------------------------------------- catalog

  catalog(meta: CatalogMeta, datasets: FullDataset[], paging?: Paging): void {
    const base = this.base;
    const node = namedNode(catalogIri(base));
    this.add(node, RDF_TYPE, P('dcat', 'Catalog'));
    this.text(node, P('dct', 'title'), meta.title.ja, 'ja');
    this.text(node, P('dct', 'title'), meta.title.en, 'en');
    this.text(node, P('dct', 'description'), meta.description.ja, 'ja');
    this.text(node, P('dct', 'description'), meta.description.en, 'en');
    if (meta.publisher) this.add(node, P('dct', 'publisher'), this.agent(meta.publisher));
    else {
      // A catalog must name its publisher; without the TMG row the catalog itself answers.
      const agent = blankNode();
      this.add(agent, RDF_TYPE, P('foaf', 'Agent'));
      this.text(agent, P('foaf', 'name'), meta.title.ja, 'ja');
      this.add(node, P('dct', 'publisher'), agent);
    }
    this.add(node, P('foaf', 'homepage'), this.typed(`${base}/catalog`, P('foaf', 'Document')));
    this.add(node, P('dct', 'language'), this.language('JPN'));
    this.add(node, P('dct', 'language'), this.language('ENG'));
    const lic = meta.licence ? this.licence(meta.licence) : null;
    if (lic) this.add(node, P('dct', 'license'), lic);
    if (meta.modified) this.add(node, P('dct', 'modified'), dateTime(meta.modified));
    this.schemes();
    this.add(node, P('dcat', 'themeTaxonomy'), namedNode(EU.themeScheme));
    this.add(node, P('dcat', 'themeTaxonomy'), namedNode(categorySchemeIri(base)));
    for (const f of datasets) this.add(node, P('dcat', 'dataset'), this.dataset(f));
    if (paging) this.paging(paging);
  }

  /** hydra:PagedCollection as ckanext-dcat writes it (the deprecated *Page predicates too, for older harvesters). */
  private paging(p: Paging): void {
    const last = Math.max(1, Math.ceil(p.count / p.itemsPerPage));
    const node = namedNode(p.url(p.page));
    const int = (n: number) => literal(String(n), P('xsd', 'integer'));
    this.add(node, RDF_TYPE, P('hydra', 'PagedCollection'));
    this.add(node, P('hydra', 'totalItems'), int(p.count));
    this.add(node, P('hydra', 'itemsPerPage'), int(p.itemsPerPage));
    const links: [string, string, number | null][] = [
      ['first', 'firstPage', 1],
      ['last', 'lastPage', last],
      ['next', 'nextPage', p.page < last ? p.page + 1 : null],
      ['previous', 'previousPage', p.page > 1 ? Math.min(p.page - 1, last) : null],
    ];
    for (const [name, old, page] of links) {
      if (page === null) continue;
      this.add(node, P('hydra', name), namedNode(p.url(page)));
      this.add(node, P('hydra', old), namedNode(p.url(page)));
    }
  }

  // ---------------------------------------------------------------- dataset

  dataset(f: FullDataset): Subj {
    const base = this.base;
    const r = f.row;
    const node = namedNode(datasetIri(base, r.id));
    this.add(node, RDF_TYPE, P('dcat', 'Dataset'));
    this.add(node, P('dct', 'identifier'), literal(r.id));
    const ident = blankNode();
    this.add(node, P('adms', 'identifier'), ident);
    this.add(ident, RDF_TYPE, P('adms', 'Identifier'));
    this.add(ident, P('skos', 'notation'), literal(r.name));
    this.text(node, P('dct', 'title'), r.title || r.name, 'ja');
    // DCAT-AP requires a description: an empty one is given the title (docs/catalog-dcat.md).
    this.text(node, P('dct', 'description'), r.notes.trim() ? r.notes : r.title || r.name, 'ja');
    for (const t of f.tags) this.text(node, P('dcat', 'keyword'), t.name, 'ja');
    const themes = new Set(f.groups.flatMap((g) => CATEGORY_THEMES[g.id] ?? []));
    if (themes.size || f.groups.length) this.schemes();
    for (const code of themes) this.add(node, P('dcat', 'theme'), this.euTheme(code));
    for (const g of f.groups) this.add(node, P('dcat', 'theme'), this.category(g));
    this.add(node, P('dct', 'publisher'), this.agent(f.org));
    const area = this.location(f.org);
    if (area) this.add(node, P('dct', 'spatial'), area);
    this.add(node, P('dct', 'language'), this.language('JPN'));
    if (r.maintainer || r.maintainer_email) {
      const c = blankNode();
      this.add(node, P('dcat', 'contactPoint'), c);
      this.add(c, RDF_TYPE, P('vcard', 'Kind'));
      this.add(c, RDF_TYPE, P('vcard', 'Organization'));
      this.text(c, P('vcard', 'fn'), r.maintainer, 'ja');
      const mail = safeIri(r.maintainer_email ? `mailto:${r.maintainer_email}` : null);
      if (mail) this.add(c, P('vcard', 'hasEmail'), namedNode(mail));
    }
    if (r.author) {
      const a = blankNode();
      this.add(node, P('dct', 'creator'), a);
      this.add(a, RDF_TYPE, P('foaf', 'Agent'));
      this.text(a, P('foaf', 'name'), r.author, 'ja');
      const mail = safeIri(r.author_email ? `mailto:${r.author_email}` : null);
      if (mail) this.add(a, P('foaf', 'mbox'), namedNode(mail));
    }
    this.add(node, P('dct', 'issued'), dateTime(r.metadata_created));
    this.add(node, P('dct', 'modified'), dateTime(r.metadata_modified));
    const freq = f.extras.frequency ? frequencyCode(f.extras.frequency) : undefined;
    if (freq) {
      const fnode = namedNode(EU.frequency + freq);
      this.once(`freq:${freq}`, () => {
        this.add(fnode, RDF_TYPE, P('dct', 'Frequency'));
        this.add(fnode, P('skos', 'prefLabel'), literal(FREQUENCIES[freq]!.en, 'en'));
        this.add(fnode, P('skos', 'prefLabel'), literal(FREQUENCIES[freq]!.ja[0]!, 'ja'));
      });
      this.add(node, P('dct', 'accrualPeriodicity'), fnode);
    }
    const landing = safeIri(r.url);
    if (landing) this.add(node, P('dcat', 'landingPage'), this.typed(landing, P('foaf', 'Document')));
    if (r.version) this.text(node, P('dcat', 'version'), r.version);
    const model = f.extras.standard_dataset ? modelById(f.extras.standard_dataset) : undefined;
    if (model) this.add(node, P('dct', 'conformsTo'), this.typed(model.uri, P('dct', 'Standard'), [[model.name, 'ja']]));
    // DCAT-AP puts the licence on distributions; DCAT allows it on the dataset too, which keeps a dataset without files licensed.
    const lic = f.licence ? this.licence(f.licence) : null;
    if (lic) this.add(node, P('dct', 'license'), lic);
    for (const res of f.resources) this.add(node, P('dcat', 'distribution'), this.distribution(f, res, lic));
    return node;
  }

  private distribution(f: FullDataset, res: ResourceRow, lic: Subj | null): Subj {
    const base = this.base;
    const node = namedNode(distributionIri(base, f.row.id, res.id));
    this.add(node, RDF_TYPE, P('dcat', 'Distribution'));
    this.text(node, P('dct', 'title'), res.name, 'ja');
    this.text(node, P('dct', 'description'), res.description, 'ja');
    const uploaded = res.url_type === 'upload';
    const url = uploaded ? base + downloadPath(f.row.id, res.id, res.url) : safeIri(res.url);
    const key = res.format ? formatKey(res.format) : undefined;
    // A distribution must have an access URL: one without a usable URL is reached through the dataset's page.
    this.add(node, P('dcat', 'accessURL'), namedNode(url ?? datasetIri(base, f.row.id)));
    if (url && (uploaded || (key !== 'HTML' && res.resource_type !== 'api'))) this.add(node, P('dcat', 'downloadURL'), namedNode(url));
    if (res.format) {
      const ft = key ? FORMATS[key]!.fileType : undefined;
      if (ft) this.add(node, P('dct', 'format'), this.typed(EU.fileType + ft, P('dct', 'MediaTypeOrExtent')));
      else {
        const b = blankNode();
        this.add(b, RDF_TYPE, P('dct', 'MediaTypeOrExtent'));
        this.text(b, P('rdfs', 'label'), res.format);
        this.add(node, P('dct', 'format'), b);
      }
    }
    const media = res.mimetype || (key ? FORMATS[key]!.mediaType : undefined);
    if (media && /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/i.test(media)) this.add(node, P('dcat', 'mediaType'), this.typed(IANA_MEDIA_TYPES + media.toLowerCase(), P('dct', 'MediaType')));
    if (lic) this.add(node, P('dct', 'license'), lic);
    if (res.size !== null && res.size >= 0) this.add(node, P('dcat', 'byteSize'), literal(String(res.size), P('xsd', 'nonNegativeInteger')));
    const sum = checksumOf(res.hash);
    if (sum) {
      const c = blankNode();
      this.add(node, P('spdx', 'checksum'), c);
      this.add(c, RDF_TYPE, P('spdx', 'Checksum'));
      const alg = this.typed(iri('spdx', `checksumAlgorithm_${sum.algorithm}`), P('spdx', 'ChecksumAlgorithm'));
      this.add(c, P('spdx', 'algorithm'), alg);
      this.add(c, P('spdx', 'checksumValue'), literal(sum.value, P('xsd', 'hexBinary')));
    }
    if (res.created) this.add(node, P('dct', 'issued'), dateTime(res.created));
    if (res.last_modified) this.add(node, P('dct', 'modified'), dateTime(res.last_modified));
    return node;
  }
}

/** A resource hash as an spdx checksum: `sha256:<hex>` or a bare hex digest whose length names the algorithm. */
export function checksumOf(hash: string | null): { algorithm: string; value: string } | null {
  const h = (hash ?? '').trim();
  const m = /^(?:(md5|sha1|sha256|sha512)[:=])?([0-9a-fA-F]+)$/.exec(h);
  if (!m) return null;
  const value = m[2]!.toLowerCase();
  const algorithm = m[1]?.toLowerCase() ?? CHECKSUM_BY_LENGTH[value.length];
  if (!algorithm || CHECKSUM_BY_LENGTH[value.length] !== algorithm) return null;
  return { algorithm, value };
}
