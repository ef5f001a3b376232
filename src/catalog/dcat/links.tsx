import type { VNode } from 'preact';
import type { PageCtx } from '../../core/http/render.js';

/** Links to a dataset's DCAT-AP metadata, for the dataset page. */
export function DcatLinks({ ctx, id }: { ctx: PageCtx; id: string }): VNode {
  const base = `/dataset/${encodeURIComponent(id)}`;
  return (
    <p class="small dcat-links">
      {ctx.t('dcat.links')}: <a href={`${base}.jsonld`} type="application/ld+json">JSON-LD</a> · <a href={`${base}.ttl`} type="text/turtle">Turtle</a> · <a href={`${base}.rdf`} type="application/rdf+xml">RDF/XML</a>
    </p>
  );
}
