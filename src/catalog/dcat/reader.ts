/**
 * A minimal reader of Kabuto's own DCAT-AP output back into CKAN package dicts, the inverse of
 * graph.ts. It exists for the round-trip test (docs/catalog-dcat.md, "Round trip"): harvesting
 * other catalogs' DCAT is the harvester's job (src/catalog/harvest/), not this file's.
 */
import { Store, type Quad, type Term } from 'n3';
import type { DataDict } from '../validate.js';
import { modelById } from '../standards/models.js';
import { EU, IANA_MEDIA_TYPES, NS, formatOfFileType, frequencyText } from './vocab.js';

const P = (prefix: keyof typeof NS, local: string) => NS[prefix] + local;

export interface ReadDataset {
  /** The dict for package_create (ids and names kept). */
  dict: DataDict;
  /** dct:issued and dct:modified: the source catalog's times. */
  times: { created: string; modified: string };
}

export interface ReaderLookups {
  /** Organization id by local government code, or by Japanese name when there is no code. */
  org(lgCode: string | null, nameJa: string | null): string | undefined;
  /** Licence id by its IRI. */
  licence(iri: string): string | undefined;
  /** Category (group) id by its notation (the group name). */
  group(name: string): string | undefined;
}

export function readDatasets(quads: readonly Quad[], lookups: ReaderLookups): ReadDataset[] {
  const store = new Store([...quads]);
  const one = (s: Term, p: string): Term | undefined => store.getObjects(s, p, null)[0];
  const all = (s: Term, p: string): Term[] => store.getObjects(s, p, null);
  const text = (s: Term, p: string, lang = 'ja'): string | null => {
    const objs = all(s, p).filter((o) => o.termType === 'Literal');
    const pick = objs.find((o) => (o as Term & { language: string }).language === lang) ?? objs[0];
    return pick ? pick.value : null;
  };

  const out: ReadDataset[] = [];
  // Document order: Turtle and RDF/XML keep it, and it is the order the catalog wrote distributions in.
  const datasets = store.getSubjects(P('rdf', 'type'), P('dcat', 'Dataset'), null);
  for (const ds of datasets) {
    const ident = one(ds, P('adms', 'identifier'));
    const name = ident ? text(ident, P('skos', 'notation')) : null;
    const publisher = one(ds, P('dct', 'publisher'));
    const owner = publisher ? lookups.org(text(publisher, P('dct', 'identifier')), text(publisher, P('foaf', 'name'), 'ja')) : undefined;
    const licenceIri = one(ds, P('dct', 'license')) ?? all(ds, P('dcat', 'distribution')).map((d) => one(d, P('dct', 'license'))).find(Boolean);
    const contact = one(ds, P('dcat', 'contactPoint'));
    const creator = one(ds, P('dct', 'creator'));
    const extras: { key: string; value: string }[] = [];
    const freq = one(ds, P('dct', 'accrualPeriodicity'));
    if (freq?.value.startsWith(EU.frequency)) {
      const t = frequencyText(freq.value.slice(EU.frequency.length));
      if (t) extras.push({ key: 'frequency', value: t });
    }
    const standard = one(ds, P('dct', 'conformsTo'));
    const model = standard ? modelById(standard.value) : undefined;
    if (model) extras.push({ key: 'standard_dataset', value: model.name });
    const groups = all(ds, P('dcat', 'theme'))
      .map((c) => text(c, P('skos', 'notation')))
      .map((n) => (n ? lookups.group(n) : undefined))
      .filter((g): g is string => !!g);
    const mail = (t: Term | undefined) => (t?.value.startsWith('mailto:') ? t.value.slice(7) : null);

    const resources = all(ds, P('dcat', 'distribution')).map((d) => {
      const fmt = one(d, P('dct', 'format'));
      const format = fmt?.termType === 'NamedNode' && fmt.value.startsWith(EU.fileType) ? (formatOfFileType(fmt.value.slice(EU.fileType.length)) ?? '') : fmt ? (text(fmt, P('rdfs', 'label')) ?? '') : '';
      const media = one(d, P('dcat', 'mediaType'));
      const size = one(d, P('dcat', 'byteSize'));
      const sum = one(d, P('spdx', 'checksum'));
      const issued = one(d, P('dct', 'issued'));
      const modified = one(d, P('dct', 'modified'));
      return {
        id: decodeURIComponent(d.value.split('/').pop() ?? ''),
        name: text(d, P('dct', 'title')) ?? '',
        description: text(d, P('dct', 'description')) ?? '',
        url: (one(d, P('dcat', 'downloadURL')) ?? one(d, P('dcat', 'accessURL')))?.value ?? '',
        format,
        mimetype: media?.value.startsWith(IANA_MEDIA_TYPES) ? media.value.slice(IANA_MEDIA_TYPES.length) : null,
        size: size ? Number(size.value) : null,
        hash: sum ? (one(sum, P('spdx', 'checksumValue'))?.value ?? '') : '',
        ...(issued ? { created: issued.value } : {}),
        ...(modified ? { last_modified: modified.value } : {}),
      };
    });

    const dict: DataDict = {
      id: one(ds, P('dct', 'identifier'))?.value,
      name,
      title: text(ds, P('dct', 'title')) ?? '',
      notes: text(ds, P('dct', 'description')) ?? '',
      owner_org: owner,
      license_id: licenceIri ? (lookups.licence(licenceIri.value) ?? null) : null,
      url: one(ds, P('dcat', 'landingPage'))?.value ?? null,
      version: text(ds, P('dcat', 'version')),
      maintainer: contact ? text(contact, P('vcard', 'fn')) : null,
      maintainer_email: contact ? mail(one(contact, P('vcard', 'hasEmail'))) : null,
      author: creator ? text(creator, P('foaf', 'name')) : null,
      author_email: creator ? mail(one(creator, P('foaf', 'mbox'))) : null,
      tags: all(ds, P('dcat', 'keyword')).map((k) => ({ name: k.value })),
      extras,
      groups: [...new Set(groups)].map((id) => ({ id })),
      resources,
    };
    out.push({ dict, times: { created: one(ds, P('dct', 'issued'))?.value ?? '', modified: one(ds, P('dct', 'modified'))?.value ?? '' } });
  }
  return out;
}

/** The next page of a hydra:PagedCollection, if any. */
export function nextPage(quads: readonly Quad[]): string | undefined {
  return quads.find((q) => q.predicate.value === P('hydra', 'next'))?.object.value;
}
