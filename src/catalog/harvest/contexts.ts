/**
 * JSON-LD contexts shipped with Kabuto. The harvester's document loader answers only from these:
 * a catalog naming any other remote context is refused with a clear reason, never fetched (a
 * remote context is code the source could change under us, and a request per document).
 */
const PREFIXES = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  dcterms: 'http://purl.org/dc/terms/',
  dc: 'http://purl.org/dc/elements/1.1/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  owl: 'http://www.w3.org/2002/07/owl#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  adms: 'http://www.w3.org/ns/adms#',
  hydra: 'http://www.w3.org/ns/hydra/core#',
  schema: 'http://schema.org/',
  locn: 'http://www.w3.org/ns/locn#',
  spdx: 'http://spdx.org/rdf/terms#',
};

/** The DCAT 3 vocabulary's prefixes with its common terms as short names (https://www.w3.org/ns/dcat). */
const DCAT_CONTEXT = {
  '@context': {
    ...PREFIXES,
    Catalog: 'dcat:Catalog',
    Dataset: 'dcat:Dataset',
    Distribution: 'dcat:Distribution',
    dataset: { '@id': 'dcat:dataset', '@type': '@id' },
    distribution: { '@id': 'dcat:distribution', '@type': '@id' },
    keyword: { '@id': 'dcat:keyword', '@container': '@set' },
    theme: { '@id': 'dcat:theme', '@type': '@id' },
    landingPage: { '@id': 'dcat:landingPage', '@type': '@id' },
    downloadURL: { '@id': 'dcat:downloadURL', '@type': '@id' },
    accessURL: { '@id': 'dcat:accessURL', '@type': '@id' },
    mediaType: { '@id': 'dcat:mediaType', '@type': '@id' },
    byteSize: { '@id': 'dcat:byteSize', '@type': 'xsd:nonNegativeInteger' },
    contactPoint: { '@id': 'dcat:contactPoint', '@type': '@id' },
    title: { '@id': 'dct:title', '@container': '@language' },
    description: { '@id': 'dct:description', '@container': '@language' },
    identifier: 'dct:identifier',
    issued: { '@id': 'dct:issued', '@type': 'xsd:dateTime' },
    modified: { '@id': 'dct:modified', '@type': 'xsd:dateTime' },
    license: { '@id': 'dct:license', '@type': '@id' },
    publisher: { '@id': 'dct:publisher', '@type': '@id' },
    format: { '@id': 'dct:format', '@type': '@id' },
    accrualPeriodicity: { '@id': 'dct:accrualPeriodicity', '@type': '@id' },
  },
};

/** Hydra core terms used for paging (https://www.w3.org/ns/hydra/core), as ckanext-dcat writes them. */
const HYDRA_CONTEXT = {
  '@context': {
    hydra: PREFIXES.hydra,
    PagedCollection: 'hydra:PagedCollection',
    PartialCollectionView: 'hydra:PartialCollectionView',
    Collection: 'hydra:Collection',
    view: { '@id': 'hydra:view', '@type': '@id' },
    member: { '@id': 'hydra:member', '@type': '@id' },
    next: { '@id': 'hydra:next', '@type': '@id' },
    previous: { '@id': 'hydra:previous', '@type': '@id' },
    first: { '@id': 'hydra:first', '@type': '@id' },
    last: { '@id': 'hydra:last', '@type': '@id' },
    nextPage: { '@id': 'hydra:nextPage', '@type': '@id' },
    totalItems: 'hydra:totalItems',
    itemsPerPage: 'hydra:itemsPerPage',
  },
};

export const SHIPPED_CONTEXTS: Record<string, unknown> = {
  'https://www.w3.org/ns/dcat.jsonld': DCAT_CONTEXT,
  'http://www.w3.org/ns/dcat.jsonld': DCAT_CONTEXT,
  'https://www.w3.org/ns/dcat3.jsonld': DCAT_CONTEXT,
  'https://www.w3.org/ns/hydra/context.jsonld': HYDRA_CONTEXT,
  'http://www.w3.org/ns/hydra/context.jsonld': HYDRA_CONTEXT,
};
