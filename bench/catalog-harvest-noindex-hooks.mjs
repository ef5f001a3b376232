// Module hooks for the no-index baseline of bench/catalog-harvest.ts only: the catalog's search port
// resolves to a stand-in that neither tokenizes nor writes a search document. Nothing else loads this.
const STUB = new URL('./catalog-harvest-noindex-port.ts', import.meta.url).href;

export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (r.url.endsWith('/src/catalog/search-port.ts') && context.parentURL !== STUB) return { ...r, url: STUB, shortCircuit: true };
  return r;
}
