/** The catalog's search port without indexing (the harvest benchmark's baseline; see catalog-harvest-noindex-hooks.mjs). */
import type { Dialect, Trx } from '../src/core/db/index.js';
import type { DatasetSearchDoc, PreparedSearchDoc } from '../src/catalog/search-port.js';

export * from '../src/catalog/search-port.js';

export function prepareDoc(doc: DatasetSearchDoc): PreparedSearchDoc {
  return { doc } as unknown as PreparedSearchDoc;
}
export async function writeDoc(_trx: Trx, _dialect: Dialect, _doc: PreparedSearchDoc): Promise<void> {}
export async function writeDocs(_trx: Trx, _dialect: Dialect, _docs: PreparedSearchDoc[]): Promise<void> {}
export async function deleteDoc(_trx: Trx, _dialect: Dialect, _id: string): Promise<void> {}
