import type { RdfFormat } from './serialize.js';

const RDF_TYPES: Record<string, RdfFormat> = {
  'application/ld+json': 'jsonld',
  'text/turtle': 'ttl',
  'application/x-turtle': 'ttl',
  'application/rdf+xml': 'rdf',
};
const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

/**
 * The RDF format an Accept header asks for, or undefined when HTML (or nothing in particular) is
 * preferred. Only a media type named explicitly counts: `*\/*` keeps the page, and HTML wins a tie,
 * so browsers always get the page.
 */
export function rdfFormatFor(accept: string | undefined): RdfFormat | undefined {
  if (!accept || !/ld\+json|turtle|rdf\+xml/i.test(accept)) return undefined;
  let best: { format: RdfFormat; q: number; i: number } | undefined;
  let html = 0;
  accept.split(',').forEach((part, i) => {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((x) => x !== undefined);
    const q = qParam === undefined ? 1 : Math.min(1, Number(qParam) || 0);
    const t = (type ?? '').trim();
    if (HTML_TYPES.has(t)) html = Math.max(html, q);
    const format = RDF_TYPES[t];
    if (format && q > 0 && (!best || q > best.q)) best = { format, q, i };
  });
  return best && best.q > html ? best.format : undefined;
}
