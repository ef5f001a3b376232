import type { VNode } from 'preact';
import type { PageCtx } from '../../core/http/render.js';
import type { ResourceRow } from '../store.js';
import { previewable } from './preview.js';

/** A resource's preview link on the dataset page: uploaded files of a format that has previews. */
export function PreviewLink({ ctx, datasetName, res, name }: { ctx: PageCtx; datasetName: string; res: ResourceRow; name: string }): VNode | null {
  if (res.url_type !== 'upload' || !previewable(res.format)) return null;
  return (
    <>
      {' '}
      <a href={`/dataset/${encodeURIComponent(datasetName)}/resource/${encodeURIComponent(res.id)}/preview`} aria-label={ctx.t('preview.linkOf', { name })}>
        {ctx.t('preview.link')}
      </a>
    </>
  );
}
