/**
 * The three serializations of the DCAT output (Turtle through n3's Writer, JSON-LD through jsonld,
 * RDF/XML through rdfxml.ts) and their parsers. JSON-LD never loads a remote context: the context is
 * inline and the document loader refuses every URL.
 */
import { Parser, Writer, type Quad } from 'n3';
import jsonld from 'jsonld';
import { RdfXmlParser } from 'rdfxml-streaming-parser';
import { NS } from './vocab.js';
import { toRdfXml } from './rdfxml.js';

export type RdfFormat = 'jsonld' | 'ttl' | 'rdf';

export const MEDIA_TYPES: Record<RdfFormat, string> = {
  jsonld: 'application/ld+json',
  ttl: 'text/turtle',
  rdf: 'application/rdf+xml',
};

export const RDF_FORMATS = Object.keys(MEDIA_TYPES) as RdfFormat[];

const PREFIXES: Record<string, string> = { ...NS };

/** A JSON-LD document loader that fetches nothing (contexts must be inline). */
export async function refuseRemote(url: string): Promise<never> {
  throw new Error(`refusing to load a remote JSON-LD document: ${url.slice(0, 200)}`);
}

export function toTurtle(quads: readonly Quad[]): Promise<string> {
  const w = new Writer({ prefixes: PREFIXES });
  w.addQuads([...quads]);
  return new Promise((resolve, reject) => w.end((err: Error | null, out: string) => (err ? reject(err) : resolve(out))));
}

export function toNQuads(quads: readonly Quad[]): string {
  return new Writer({ format: 'N-Quads' }).quadsToString([...quads]);
}

/** Triples grouped by subject, subjects in the order they first appear (readable Turtle, one description per node). */
export function bySubject(quads: readonly Quad[]): Quad[] {
  const groups = new Map<string, Quad[]>();
  for (const q of quads) {
    const key = `${q.subject.termType}:${q.subject.value}`;
    const g = groups.get(key);
    if (g) g.push(q);
    else groups.set(key, [q]);
  }
  return [...groups.values()].flat();
}

const RDF_TYPE = `${NS.rdf}type`;
const XSD_STRING = `${NS.xsd}string`;
const LANG_STRING = `${NS.rdf}langString`;

/**
 * JSON-LD in flattened form (an @graph of node objects) with the prefixes as its inline context.
 * Written directly from the triples: jsonld's compaction took most of a second for one page of the
 * catalog, and a flattened document with a prefix-only context is already compact.
 */
export function toJsonLd(quads: readonly Quad[]): string {
  const prefixes = Object.entries(PREFIXES).sort((a, b) => b[1].length - a[1].length);
  const compact = (iri: string): string => {
    for (const [p, ns] of prefixes) if (iri.startsWith(ns) && /^[A-Za-z_][\w.-]*$/.test(iri.slice(ns.length))) return `${p}:${iri.slice(ns.length)}`;
    return iri;
  };
  const id = (t: Quad['subject'] | Quad['object']) => (t.termType === 'BlankNode' ? `_:${t.value}` : t.value);
  const nodes = new Map<string, Record<string, unknown[] | string>>();
  for (const q of quads) {
    const sid = id(q.subject);
    let node = nodes.get(sid);
    if (!node) nodes.set(sid, (node = { '@id': sid }));
    const o = q.object;
    if (q.predicate.value === RDF_TYPE && o.termType === 'NamedNode') {
      ((node['@type'] ??= []) as unknown[]).push(compact(o.value));
      continue;
    }
    let value: unknown;
    if (o.termType === 'Literal') {
      const dt = o.datatype.value;
      value = o.language ? { '@value': o.value, '@language': o.language } : dt === XSD_STRING || dt === LANG_STRING ? o.value : { '@value': o.value, '@type': compact(dt) };
    } else value = { '@id': id(o) };
    ((node[compact(q.predicate.value)] ??= []) as unknown[]).push(value);
  }
  return JSON.stringify({ '@context': PREFIXES, '@graph': [...nodes.values()] }, null, 1);
}

export async function serialize(quads: readonly Quad[], format: RdfFormat): Promise<string> {
  const ordered = bySubject(quads);
  if (format === 'ttl') return toTurtle(ordered);
  if (format === 'jsonld') return toJsonLd(ordered);
  return toRdfXml(ordered, PREFIXES);
}

// ------------------------------------------------------------------ parsers

export function parseTurtle(text: string, baseIRI?: string): Quad[] {
  return new Parser({ baseIRI }).parse(text);
}

export async function parseJsonLd(text: string): Promise<Quad[]> {
  const nquads = (await jsonld.toRDF(JSON.parse(text) as never, { format: 'application/n-quads', documentLoader: refuseRemote as never })) as unknown as string;
  return new Parser({ format: 'N-Quads' }).parse(nquads);
}

export function parseRdfXml(text: string, baseIRI?: string): Promise<Quad[]> {
  return new Promise((resolve, reject) => {
    const out: Quad[] = [];
    const p = new RdfXmlParser({ baseIRI });
    p.on('data', (q: Quad) => out.push(q));
    p.on('error', reject);
    p.on('end', () => resolve(out));
    p.write(text);
    p.end();
  });
}

export function parseRdf(text: string, format: RdfFormat, baseIRI?: string): Promise<Quad[]> {
  if (format === 'ttl') return Promise.resolve(parseTurtle(text, baseIRI));
  if (format === 'jsonld') return parseJsonLd(text);
  return parseRdfXml(text, baseIRI);
}
