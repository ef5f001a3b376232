/**
 * Previews of a catalog resource. Only uploaded files are previewed: a remote URL is never fetched
 * (a preview must not make the server a proxy to arbitrary addresses), so its preview says where to
 * look instead.
 */
import type { CatalogService } from '../service.js';
import type { ResourceRow } from '../store.js';
import { previewable, previewFile, type Preview, type PreviewOptions } from './preview.js';

export type PreviewOutcome =
  | { status: 'ok'; preview: Preview }
  | { status: 'unavailable'; reason: 'remote' | 'format' | 'missing' }
  | { status: 'failed'; reason: string };

/** The preview of a resource the caller has already been allowed to read. */
export async function previewResource(svc: CatalogService, res: ResourceRow, opts: PreviewOptions = {}): Promise<PreviewOutcome> {
  if (res.url_type !== 'upload') return { status: 'unavailable', reason: 'remote' };
  if (!previewable(res.format)) return { status: 'unavailable', reason: 'format' };
  if (!res.upload_key || !(await svc.uploads.exists(res.upload_key))) return { status: 'unavailable', reason: 'missing' };
  try {
    return { status: 'ok', preview: await previewFile(svc.uploads.path(res.upload_key), res.format, opts) };
  } catch (err) {
    // A damaged file is the publisher's problem to fix, not a server error.
    return { status: 'failed', reason: ((err as Error).message || 'unreadable').slice(0, 200) };
  }
}
