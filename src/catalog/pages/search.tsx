import type { ComponentChildren, VNode } from 'preact';
import { formatNumber } from '../../core/i18n/index.js';
import type { PageCtx } from '../../core/http/render.js';
import type { FullDataset } from '../store.js';
import { DatasetItem } from './components.js';

export const FACET_FIELDS = ['organization', 'groups', 'tags', 'res_format', 'license_id'] as const;
export type FacetField = (typeof FACET_FIELDS)[number];

export const SORTS = {
  relevance: 'score desc, metadata_modified desc',
  modified: 'metadata_modified desc',
  created: 'metadata_created desc',
  title: 'title_string asc',
  name: 'name asc',
} as const;
export type SortKey = keyof typeof SORTS;

export interface FacetItem {
  name: string;
  label: string;
  count: number;
}

export interface SearchState {
  q: string;
  sort: SortKey;
  page: number;
  filters: Record<FacetField, string[]>;
}

export interface SearchViewProps {
  ctx: PageCtx;
  /** Where the form goes (the page's own path). */
  action: string;
  heading: string;
  intro?: ComponentChildren;
  state: SearchState;
  /** A filter the page itself sets (an organization's or a category's page): not a checkbox. */
  fixed?: FacetField;
  count: number;
  rows: number;
  results: { f: FullDataset; highlight?: { title?: string; notes?: string } }[];
  facets: Partial<Record<FacetField, FacetItem[]>>;
  notice?: string;
  actions?: ComponentChildren;
}

/** The URL of the search with some parameters changed (links for removing a filter and for pages). */
export function searchHref(action: string, s: SearchState, change: Partial<SearchState>): string {
  const n = { ...s, ...change };
  const p = new URLSearchParams();
  if (n.q) p.set('q', n.q);
  if (n.sort !== 'relevance') p.set('sort', n.sort);
  for (const f of FACET_FIELDS) for (const v of n.filters[f]) p.append(f, v);
  if (n.page > 1) p.set('page', String(n.page));
  const qs = p.toString();
  return qs ? `${action}?${qs}` : action;
}

function Pager({ ctx, action, state, count, rows }: { ctx: PageCtx; action: string; state: SearchState; count: number; rows: number }): VNode | null {
  const { t } = ctx;
  const pages = Math.ceil(count / rows);
  if (pages <= 1) return null;
  const cur = state.page;
  const shown = [...new Set([1, cur - 2, cur - 1, cur, cur + 1, cur + 2, pages])].filter((p) => p >= 1 && p <= pages).sort((a, b) => a - b);
  return (
    <nav class="pager" aria-label={t('catalog.pager')}>
      <ul>
        {cur > 1 && (
          <li>
            <a href={searchHref(action, state, { page: cur - 1 })} rel="prev">
              {t('catalog.pager.prev')}
            </a>
          </li>
        )}
        {shown.map((p) => (
          <li>
            {p === cur ? (
              <span aria-current="page" class="pager-current">
                <span class="visually-hidden">{t('catalog.pager.current', { page: p })}</span>
                <span aria-hidden="true">{p}</span>
              </span>
            ) : (
              <a href={searchHref(action, state, { page: p })}>
                <span class="visually-hidden">{t('catalog.pager.page', { page: p })}</span>
                <span aria-hidden="true">{p}</span>
              </a>
            )}
          </li>
        ))}
        {cur < pages && (
          <li>
            <a href={searchHref(action, state, { page: cur + 1 })} rel="next">
              {t('catalog.pager.next')}
            </a>
          </li>
        )}
      </ul>
    </nav>
  );
}

/**
 * The search page (also an organization's and a category's page): one GET form holding the query,
 * the order and the facet checkboxes, so it works without JavaScript.
 */
export function SearchView(p: SearchViewProps): VNode {
  const { ctx, state, action } = p;
  const { t, lang } = ctx;
  const labelOf = (field: FacetField, name: string) => p.facets[field]?.find((x) => x.name === name)?.label ?? name;
  const active = FACET_FIELDS.filter((f) => f !== p.fixed).flatMap((f) => state.filters[f].map((v) => ({ f, v })));
  const from = p.count === 0 ? 0 : (state.page - 1) * p.rows + 1;
  const to = Math.min(p.count, state.page * p.rows);
  return (
    <>
      <h1>{p.heading}</h1>
      {p.intro}
      {p.actions}
      {p.notice && (
        <p class="notice" role="status">
          {p.notice}
        </p>
      )}
      <form method="get" action={action} class="catalog-search" role="search">
        <div class="search-bar">
          <div class="search-q">
            <label for="q">{t('catalog.search.label')}</label>
            <p class="field-hint" id="q-hint">
              {t('catalog.search.hint')}
            </p>
            <input id="q" name="q" type="search" value={state.q} aria-describedby="q-hint" maxLength={1000} />
          </div>
          <div class="search-sort">
            <label for="sort">{t('catalog.search.sort')}</label>
            <select id="sort" name="sort">
              {(Object.keys(SORTS) as SortKey[]).map((k) => (
                <option value={k} selected={state.sort === k}>
                  {t(`catalog.sort.${k}`)}
                </option>
              ))}
            </select>
          </div>
          <div class="search-submit">
            <button type="submit">{t('catalog.search.submit')}</button>
          </div>
        </div>
        <div class="catalog-layout">
          <aside class="facets" aria-labelledby="facets-heading">
            <h2 id="facets-heading">{t('catalog.facets')}</h2>
            {FACET_FIELDS.filter((f) => f !== p.fixed).map((f) => {
              const items = p.facets[f] ?? [];
              const selected = state.filters[f].filter((v) => !items.some((i) => i.name === v));
              if (!items.length && !selected.length) return null;
              return (
                <fieldset class="facet">
                  <legend>{t(`catalog.facet.${f}`)}</legend>
                  <ul>
                    {[...selected.map((name) => ({ name, label: name, count: 0 })), ...items].map((i, n) => (
                      <li>
                        <input type="checkbox" id={`f-${f}-${n}`} name={f} value={i.name} checked={state.filters[f].includes(i.name)} />
                        <label for={`f-${f}-${n}`}>{i.count ? t('catalog.facet.count', { label: i.label, count: formatNumber(i.count, lang) }) : i.label}</label>
                      </li>
                    ))}
                  </ul>
                </fieldset>
              );
            })}
            <button type="submit" class="secondary">
              {t('catalog.search.apply')}
            </button>
          </aside>
          <section class="results" aria-labelledby="results-heading">
            <h2 id="results-heading">{t('catalog.search.results')}</h2>
            <p class="result-count" role="status">
              <strong>{t('catalog.search.count', { count: formatNumber(p.count, lang) })}</strong>
              {p.count > 0 && <span class="muted"> {t('catalog.search.showing', { from: formatNumber(from, lang), to: formatNumber(to, lang) })}</span>}
            </p>
            {active.length > 0 && (
              <div class="active-filters">
                <h3 class="small">{t('catalog.search.active')}</h3>
                <ul class="inline-list">
                  {active.map(({ f, v }) => (
                    <li>
                      <a href={searchHref(action, state, { page: 1, filters: { ...state.filters, [f]: state.filters[f].filter((x) => x !== v) } })}>
                        {t('catalog.search.remove', { label: `${t(`catalog.facet.${f}`)}: ${labelOf(f, v)}` })}
                      </a>
                    </li>
                  ))}
                  <li>
                    <a href={searchHref(action, state, { page: 1, filters: emptyFilters(p.fixed ? { [p.fixed]: state.filters[p.fixed] } : {}) })}>{t('catalog.search.clear')}</a>
                  </li>
                </ul>
              </div>
            )}
            {p.results.length ? (
              <ol class="dataset-list" start={from}>
                {p.results.map((r) => (
                  <DatasetItem ctx={ctx} f={r.f} highlight={r.highlight} />
                ))}
              </ol>
            ) : (
              <p>{t('catalog.search.none')}</p>
            )}
            <Pager ctx={ctx} action={action} state={state} count={p.count} rows={p.rows} />
          </section>
        </div>
      </form>
    </>
  );
}

export function emptyFilters(with_: Partial<Record<FacetField, string[]>> = {}): Record<FacetField, string[]> {
  return { organization: [], groups: [], tags: [], res_format: [], license_id: [], ...with_ };
}
