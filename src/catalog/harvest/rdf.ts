/**
 * RDF input for DCAT harvesting: Turtle (n3), RDF/XML (rdfxml-streaming-parser) and JSON-LD (jsonld,
 * with a document loader that answers only from the shipped contexts), read into one small graph
 * shape the DCAT mapping walks.
 */
import { Parser as TurtleParser } from 'n3';
import { RdfXmlParser } from 'rdfxml-streaming-parser';
import jsonld from 'jsonld';
import { SHIPPED_CONTEXTS } from './contexts.js';
import type { RdfFormat } from './config.js';

export interface Term {
  termType: 'NamedNode' | 'BlankNode' | 'Literal' | 'DefaultGraph' | 'Variable' | 'Quad';
  value: string;
  language?: string;
  datatype?: { value: string };
}

interface QuadLike {
  subject: Term;
  predicate: Term;
  object: Term;
}

export const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

/** Subjects → predicates → objects. Blank nodes are keyed `_:label` (labels are unique within one parse). */
export class Graph {
  readonly subjects = new Map<string, Map<string, Term[]>>();

  static key(t: Term): string {
    return t.termType === 'BlankNode' ? `_:${t.value}` : t.value;
  }

  add(q: QuadLike): void {
    const s = Graph.key(q.subject);
    let preds = this.subjects.get(s);
    if (!preds) this.subjects.set(s, (preds = new Map()));
    const list = preds.get(q.predicate.value);
    if (list) list.push(q.object);
    else preds.set(q.predicate.value, [q.object]);
  }

  objects(subject: string, predicate: string): Term[] {
    return this.subjects.get(subject)?.get(predicate) ?? [];
  }

  /** Subjects with this rdf:type. */
  ofType(type: string): string[] {
    const out: string[] = [];
    for (const [s, preds] of this.subjects) if (preds.get(RDF_TYPE)?.some((o) => o.value === type)) out.push(s);
    return out;
  }

  get size(): number {
    let n = 0;
    for (const p of this.subjects.values()) for (const l of p.values()) n += l.length;
    return n;
  }
}

export class RdfSyntaxError extends Error {}

/** Which syntax a document is in: the source's setting, else its Content-Type, else its first characters. */
export function detectFormat(configured: RdfFormat, contentType: string, body: string): Exclude<RdfFormat, 'auto'> {
  if (configured !== 'auto') return configured;
  const ct = contentType.split(';')[0]!.trim().toLowerCase();
  if (ct === 'application/ld+json' || ct === 'application/json') return 'jsonld';
  if (ct === 'text/turtle' || ct === 'application/x-turtle' || ct === 'text/n3' || ct === 'application/n-triples') return 'turtle';
  if (ct === 'application/rdf+xml' || ct === 'application/xml' || ct === 'text/xml') return 'rdfxml';
  const head = body.replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('{') || head.startsWith('[')) return 'jsonld';
  if (head.startsWith('<?xml') || /^<[A-Za-z]/.test(head)) return 'rdfxml';
  return 'turtle';
}

async function documentLoader(url: string): Promise<{ contextUrl: null; document: unknown; documentUrl: string }> {
  const doc = SHIPPED_CONTEXTS[url];
  if (!doc) throw new RdfSyntaxError(`the JSON-LD context ${url} is not one Kabuto ships, and remote contexts are never fetched`);
  return { contextUrl: null, document: doc, documentUrl: url };
}

export async function parseRdf(body: string, format: Exclude<RdfFormat, 'auto'>, baseIRI: string): Promise<Graph> {
  const g = new Graph();
  const text = body.replace(/^\uFEFF/, '');
  switch (format) {
    case 'turtle': {
      try {
        for (const q of new TurtleParser({ baseIRI }).parse(text)) g.add(q as unknown as QuadLike);
      } catch (err) {
        throw new RdfSyntaxError(`Turtle: ${(err as Error).message}`);
      }
      return g;
    }
    case 'rdfxml': {
      await new Promise<void>((resolve, reject) => {
        const p = new RdfXmlParser({ baseIRI });
        p.on('data', (q: QuadLike) => g.add(q));
        p.on('error', (err: Error) => reject(new RdfSyntaxError(`RDF/XML: ${err.message}`)));
        p.on('end', () => resolve());
        p.write(text);
        p.end();
      });
      return g;
    }
    case 'jsonld': {
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (err) {
        throw new RdfSyntaxError(`JSON-LD: not JSON (${(err as Error).message})`);
      }
      let quads: QuadLike[];
      try {
        quads = (await jsonld.toRDF(doc as jsonld.JsonLdDocument, { base: baseIRI, documentLoader: documentLoader as never })) as unknown as QuadLike[];
      } catch (err) {
        const e = err as Error & { details?: { cause?: Error } };
        throw new RdfSyntaxError(`JSON-LD: ${e.details?.cause?.message ?? e.message}`);
      }
      for (const q of quads) g.add(q);
      return g;
    }
  }
}
