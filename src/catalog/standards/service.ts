/**
 * Standard checks of catalog resources: which model a dataset declares (its `standard_dataset`
 * extra), and the check of its uploaded CSV and TSV files against it. Results are kept per file
 * version in a small in-process cache: a file never changes under the same upload key and hash, so a
 * cached result is never stale, and the dataset page does not re-read files on every view.
 */
import { DomainError } from '../../core/errors.js';
import type { CatalogService } from '../service.js';
import type { FullDataset, ResourceRow } from '../store.js';
import { checkFile, type StandardCheck } from './check.js';
import { modelById, type StandardModel } from './models.js';

export const STANDARD_EXTRA = 'standard_dataset';
const CACHE_SIZE = 200;
const cache = new Map<string, StandardCheck>();

export type CheckOutcome = { status: 'ok'; check: StandardCheck } | { status: 'unavailable'; reason: 'remote' | 'format' | 'missing' } | { status: 'failed'; reason: string };

const checkFormat = (format: string): 'CSV' | 'TSV' | null => {
  const f = format.normalize('NFKC').trim().toUpperCase();
  return f === 'CSV' || f === 'TSV' ? f : null;
};

/** The model a dataset declares, if it names one Kabuto knows. */
export function declaredModel(f: FullDataset): StandardModel | undefined {
  const ref = f.extras[STANDARD_EXTRA];
  return ref ? modelById(ref) : undefined;
}

/** A model by reference, or a 400 naming the models there are. */
export function modelOrFail(ref: string): StandardModel {
  const m = modelById(ref);
  if (!m) throw new DomainError('bad-request', `unknown standard dataset model "${ref.slice(0, 50)}": give its name (e.g. AED設置箇所一覧) or number (01–14)`);
  return m;
}

export async function checkResource(svc: CatalogService, res: ResourceRow, model: StandardModel, limit = 100): Promise<CheckOutcome> {
  const format = checkFormat(res.format);
  if (res.url_type !== 'upload') return { status: 'unavailable', reason: 'remote' };
  if (!format) return { status: 'unavailable', reason: 'format' };
  if (!res.upload_key || !(await svc.uploads.exists(res.upload_key))) return { status: 'unavailable', reason: 'missing' };
  const key = `${res.upload_key}\u0000${res.hash}\u0000${model.number}\u0000${limit}`;
  const hit = cache.get(key);
  if (hit) return { status: 'ok', check: hit };
  try {
    const check = await checkFile(svc.uploads.path(res.upload_key), format, model, { limit });
    cache.set(key, check);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return { status: 'ok', check };
  } catch (err) {
    return { status: 'failed', reason: ((err as Error).message || 'unreadable').slice(0, 200) };
  }
}

export interface DatasetStandardResults {
  model: StandardModel;
  resources: { res: ResourceRow; outcome: CheckOutcome }[];
}

/** For the dataset page: the declared model and the check of each CSV or TSV resource (none when no model is declared). */
export async function datasetStandardResults(svc: CatalogService, f: FullDataset, limit = 20): Promise<DatasetStandardResults | null> {
  const model = declaredModel(f);
  if (!model) return null;
  const resources = [];
  for (const res of f.resources) if (checkFormat(res.format)) resources.push({ res, outcome: await checkResource(svc, res, model, limit) });
  return { model, resources };
}
