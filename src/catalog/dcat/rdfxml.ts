/**
 * RDF/XML from triples (no maintained npm serializer exists for RDF/JS). One rdf:Description per
 * subject, in the order subjects first appear; every object is a property element (rdf:resource,
 * rdf:nodeID, or a literal with xml:lang or rdf:datatype), so the output is plain "striped" RDF/XML
 * that every RDF/XML parser reads back to the same triples.
 */
import type { Quad, Term } from 'n3';

const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
const LANG_STRING = `${RDF}langString`;
const NCNAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;

/** Text content: &, < and > escaped, and CR kept as a character reference (XML parsers turn a raw CR into LF). */
function escText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

/** Attribute values: also quotes and whitespace that attribute normalization would fold. */
function escAttr(s: string): string {
  return s.replace(/[&<>"\r\n\t]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;', '\n': '&#10;', '\t': '&#9;' })[c]!);
}

export function toRdfXml(quads: readonly Quad[], prefixes: Record<string, string>): string {
  const nsByIri = new Map<string, string>(Object.entries(prefixes).map(([p, ns]) => [ns, p]));
  if (!nsByIri.has(RDF)) nsByIri.set(RDF, 'rdf');
  const used = new Set<string>(['rdf']);
  let generated = 0;

  /** A predicate as a QName, declaring a namespace for it if none fits. */
  const qname = (predicate: string): string => {
    let best: [string, string] | undefined;
    for (const [ns, p] of nsByIri) if (predicate.startsWith(ns) && NCNAME.test(predicate.slice(ns.length)) && (!best || ns.length > best[0].length)) best = [ns, p];
    if (!best) {
      const m = /^(.*[#/])([A-Za-z_][A-Za-z0-9._-]*)$/.exec(predicate);
      if (!m) throw new Error(`predicate ${predicate} cannot be written as an XML element name`);
      const p = `ns${generated++}`;
      nsByIri.set(m[1]!, p);
      best = [m[1]!, p];
    }
    used.add(best[1]);
    return `${best[1]}:${predicate.slice(best[0].length)}`;
  };

  const bnodes = new Map<string, string>();
  const nodeId = (t: Term) => {
    let id = bnodes.get(t.value);
    if (!id) bnodes.set(t.value, (id = `b${bnodes.size}`));
    return id;
  };

  const bySubject = new Map<string, { subject: Term; quads: Quad[] }>();
  for (const q of quads) {
    const key = `${q.subject.termType}:${q.subject.value}`;
    let entry = bySubject.get(key);
    if (!entry) bySubject.set(key, (entry = { subject: q.subject, quads: [] }));
    entry.quads.push(q);
  }

  const body: string[] = [];
  for (const { subject, quads: list } of bySubject.values()) {
    const about = subject.termType === 'BlankNode' ? `rdf:nodeID="${nodeId(subject)}"` : `rdf:about="${escAttr(subject.value)}"`;
    body.push(`  <rdf:Description ${about}>`);
    for (const q of list) {
      const name = qname(q.predicate.value);
      const o = q.object;
      if (o.termType === 'NamedNode') body.push(`    <${name} rdf:resource="${escAttr(o.value)}"/>`);
      else if (o.termType === 'BlankNode') body.push(`    <${name} rdf:nodeID="${nodeId(o)}"/>`);
      else if (o.termType === 'Literal') {
        const lit = o as Term & { language: string; datatype: { value: string } };
        const attr = lit.language ? ` xml:lang="${escAttr(lit.language)}"` : lit.datatype.value !== XSD_STRING && lit.datatype.value !== LANG_STRING ? ` rdf:datatype="${escAttr(lit.datatype.value)}"` : '';
        body.push(`    <${name}${attr}>${escText(o.value)}</${name}>`);
      } else throw new Error(`cannot write a ${o.termType} object in RDF/XML`);
    }
    body.push('  </rdf:Description>');
  }

  const decls = [...nsByIri].filter(([, p]) => used.has(p)).map(([ns, p]) => `\n    xmlns:${p}="${escAttr(ns)}"`);
  return `<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF${decls.join('')}>\n${body.join('\n')}\n</rdf:RDF>\n`;
}
