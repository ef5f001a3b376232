import type { HarvestKind } from './tables.js';

export type RdfFormat = 'auto' | 'jsonld' | 'turtle' | 'rdfxml';
export const RDF_FORMATS: readonly RdfFormat[] = ['auto', 'jsonld', 'turtle', 'rdfxml'];

/** A source's settings (config_json). Every field has a default, so `{}` is a valid config. */
export interface HarvestConfig {
  /** DCAT: the syntax of the catalog; auto reads the Content-Type, then the first bytes. */
  format: RdfFormat;
  /** CKAN: rows per package_search page (1–1000). */
  pageSize: number;
  /** Seconds to wait for one response. */
  timeoutSeconds: number;
  /** Further tries of a page that failed (network error, timeout, 5xx). */
  retries: number;
  /** CKAN: the source's organization name → a local organization id or name; others go to the source's organization. */
  orgMap: Record<string, string>;
}

export const DEFAULT_CONFIG: HarvestConfig = { format: 'auto', pageSize: 100, timeoutSeconds: 30, retries: 2, orgMap: {} };

export interface ConfigProblem {
  field: string;
  message: string;
  key: string;
}

/** Read a config object (from the API, a form or the table), naming each bad field. */
export function parseConfig(raw: unknown, kind: HarvestKind): { config?: HarvestConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  if (raw === undefined || raw === null) return { config: { ...DEFAULT_CONFIG }, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { problems: [{ field: 'config', message: 'Must be an object', key: 'harvest.v.config' }] };
  const r = raw as Record<string, unknown>;
  const c: HarvestConfig = { ...DEFAULT_CONFIG, orgMap: {} };
  for (const k of Object.keys(r)) if (!(k in DEFAULT_CONFIG)) problems.push({ field: `config.${k}`, message: `Unknown setting ${k}`, key: 'harvest.v.configUnknown' });
  if (r.format !== undefined) {
    if (typeof r.format === 'string' && (RDF_FORMATS as readonly string[]).includes(r.format)) c.format = r.format as RdfFormat;
    else problems.push({ field: 'config.format', message: 'Must be auto, jsonld, turtle or rdfxml', key: 'harvest.v.format' });
  }
  const int = (f: 'pageSize' | 'timeoutSeconds' | 'retries', min: number, max: number) => {
    const v = r[f];
    if (v === undefined) return;
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max) c[f] = n;
    else problems.push({ field: `config.${f}`, message: `Must be a whole number from ${min} to ${max}`, key: `harvest.v.${f}` });
  };
  int('pageSize', 1, 1000);
  int('timeoutSeconds', 1, 600);
  int('retries', 0, 10);
  if (r.orgMap !== undefined) {
    const m = r.orgMap;
    if (typeof m !== 'object' || m === null || Array.isArray(m) || Object.values(m).some((v) => typeof v !== 'string')) {
      problems.push({ field: 'config.orgMap', message: 'Must map organization names to organization ids or names', key: 'harvest.v.orgMap' });
    } else c.orgMap = { ...(m as Record<string, string>) };
  }
  if (kind === 'ckan' && r.format !== undefined && r.format !== 'auto') problems.push({ field: 'config.format', message: 'Only DCAT sources have a format', key: 'harvest.v.formatCkan' });
  return problems.length ? { problems } : { config: c, problems };
}
