import type { VNode } from 'preact';
import { formatDateTime, formatNumber, type Lang } from '../../core/i18n/index.js';
import { Csrf, type PageCtx } from '../../core/http/render.js';
import { downloadPath } from '../dictize.js';
import type { ActivityRow, FullDataset, GroupRow, OrgRow } from '../store.js';
import { formatBytes, groupName, licenceName, orgName, StateBadges } from './components.js';
import { DcatLinks } from '../dcat/links.js';
import { PreviewLink } from '../preview/link.js';
import { StandardSection } from '../standards/routes.js';
import type { DatasetStandardResults } from '../standards/service.js';

export interface DatasetPageProps {
  ctx: PageCtx;
  f: FullDataset;
  activities: ActivityRow[];
  oldNames: string[];
  canEdit: boolean;
  /** Who did what is shown to the organization's editors only (actors are people). */
  showActors: boolean;
  notice?: string;
  /** The standard model the dataset declares and its files' checks (none declared: null). */
  standard?: DatasetStandardResults | null;
  /** Where a harvested dataset came from (not harvested: null). */
  harvest?: HarvestOrigin | null;
}

/** The extras a harvest writes on each dataset: shown in the "harvested from" block, not among the other extras. */
export const HARVEST_EXTRAS = ['harvest_source_id', 'harvest_source_title', 'harvest_remote_id', 'harvest_url'];

export interface HarvestOrigin {
  /** The source's title (its current one while the source exists, else the one recorded on the dataset). */
  title: string;
  /** The source's page, for staff (the harvest pages are theirs); others see the title alone. */
  href?: string;
  /** The dataset at the source (http or https only). */
  url?: string;
  /** When a run last wrote this dataset. */
  harvestedAt?: string;
}

function HarvestBlock({ ctx, h }: { ctx: PageCtx; h: HarvestOrigin }): VNode {
  const { t, lang } = ctx;
  return (
    <section aria-labelledby="harvest-origin-heading" class="harvest-origin">
      <h3 id="harvest-origin-heading">{t('catalog.dataset.harvest.heading')}</h3>
      <p>{t('catalog.dataset.harvest.lead')}</p>
      <dl class="meta">
        <dt>{t('catalog.dataset.harvest.source')}</dt>
        <dd>{h.href ? <a href={h.href}>{h.title}</a> : h.title}</dd>
        {h.url && (
          <>
            <dt>{t('catalog.dataset.harvest.record')}</dt>
            <dd>
              <a href={h.url} rel="noopener">
                {h.url}
              </a>
            </dd>
          </>
        )}
        {h.harvestedAt && (
          <>
            <dt>{t('catalog.dataset.harvest.at')}</dt>
            <dd>{time(h.harvestedAt, lang)}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

function Paragraphs({ text }: { text: string }): VNode {
  return (
    <div class="dataset-description">
      {text
        .split(/\n{2,}/)
        .map((p) => p.trim())
        .filter(Boolean)
        .map((p) => (
          <p>
            {p.split('\n').map((line, i) => (
              <>
                {i > 0 && <br />}
                {line}
              </>
            ))}
          </p>
        ))}
    </div>
  );
}

const KIND_KEY: Record<OrgRow['kind'], string> = { tmg: 'catalog.orgs.kind.tmg', bureau: 'catalog.orgs.kind.bureau', municipality: 'catalog.orgs.kind.municipality', other: 'catalog.orgs.kind.other' };
export const kindLabel = (ctx: PageCtx, o: OrgRow) => ctx.t(KIND_KEY[o.kind]);

function Row({ label, children }: { label: string; children: preact.ComponentChildren }): VNode {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{children}</td>
    </tr>
  );
}

function time(iso: string | null, lang: Lang): VNode | string {
  return iso ? <time dateTime={iso}>{formatDateTime(iso, lang)}</time> : '';
}

export function DatasetPage({ ctx, f, activities, oldNames, canEdit, showActors, notice, standard, harvest }: DatasetPageProps): VNode {
  const { t, lang } = ctx;
  const r = f.row;
  const base = `/dataset/${encodeURIComponent(r.name)}`;
  const extras = Object.entries(f.extras).filter(([k]) => k !== 'frequency' && !HARVEST_EXTRAS.includes(k));
  return (
    <>
      <p class="breadcrumb small">
        <a href="/catalog">{t('catalog.title')}</a> › <a href={`/organization/${encodeURIComponent(f.org.name)}`}>{orgName(lang, f.org)}</a>
      </p>
      <h1>
        {r.title || r.name}
        <StateBadges f={f} t={t} />
      </h1>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {canEdit && (
        <ul class="inline-list editor-actions">
          <li>
            <a class="button secondary" href={`${base}/edit`}>
              {t('catalog.dataset.edit')}
            </a>
          </li>
          <li>
            <a class="button secondary" href={`${base}/resource/new`}>
              {t('catalog.dataset.addResource')}
            </a>
          </li>
        </ul>
      )}
      {r.notes && <Paragraphs text={r.notes} />}

      <section aria-labelledby="resources-heading">
        <h2 id="resources-heading">{t('catalog.dataset.resources')}</h2>
        {f.resources.length === 0 ? (
          <p>{t('catalog.dataset.noResources')}</p>
        ) : (
          <ul class="resource-list">
            {f.resources.map((res) => {
              const name = res.name || res.url || res.id;
              const href = res.url_type === 'upload' ? downloadPath(r.id, res.id, res.url) : res.url;
              return (
                <li class="resource-item">
                  <h3>
                    {res.format && <span class="format-label">{res.format}</span>} {name}
                  </h3>
                  {res.description && <p>{res.description}</p>}
                  <p class="resource-links">
                    {href && (
                      <a href={href} rel={res.url_type === 'upload' ? undefined : 'noopener'}>
                        {res.url_type === 'upload' ? t('catalog.dataset.download', { name }) : t('catalog.dataset.open', { name })}
                      </a>
                    )}
                    {res.size !== null && <span class="muted small"> {formatBytes(res.size, lang)}</span>}
                    <PreviewLink ctx={ctx} datasetName={r.name} res={res} name={name} />
                    {canEdit && (
                      <>
                        {' '}
                        <a href={`${base}/resource/${encodeURIComponent(res.id)}/edit`} aria-label={t('catalog.dataset.editResourceOf', { name })}>
                          {t('catalog.dataset.editResource')}
                        </a>
                      </>
                    )}
                  </p>
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <StandardSection ctx={ctx} results={standard ?? null} />

      <section aria-labelledby="metadata-heading">
        <h2 id="metadata-heading">{t('catalog.dataset.metadata')}</h2>
        {harvest && <HarvestBlock ctx={ctx} h={harvest} />}
        <div class="table-scroll">
          <table class="metadata">
            <caption class="visually-hidden">{t('catalog.dataset.metadata')}</caption>
            <thead class="visually-hidden">
              <tr>
                <th scope="col">{t('catalog.dataset.field')}</th>
                <th scope="col">{t('catalog.dataset.value')}</th>
              </tr>
            </thead>
            <tbody>
              <Row label={t('catalog.dataset.organization')}>
                <a href={`/organization/${encodeURIComponent(f.org.name)}`}>{orgName(lang, f.org)}</a>
              </Row>
              <Row label={t('catalog.dataset.licence')}>
                {f.licence ? f.licence.url ? <a href={f.licence.url} rel="license">{licenceName(lang, f.licence)}</a> : licenceName(lang, f.licence) : t('catalog.dataset.noLicence')}
              </Row>
              {f.groups.length > 0 && (
                <Row label={t('catalog.dataset.groups')}>
                  <ul class="inline-list">
                    {f.groups.map((g) => (
                      <li>
                        <a href={`/group/${encodeURIComponent(g.name)}`}>{groupName(lang, g)}</a>
                      </li>
                    ))}
                  </ul>
                </Row>
              )}
              {f.tags.length > 0 && (
                <Row label={t('catalog.dataset.tags')}>
                  <ul class="inline-list">
                    {f.tags.map((tag) => (
                      <li>
                        <a href={`/catalog?tags=${encodeURIComponent(tag.name)}`}>{tag.name}</a>
                      </li>
                    ))}
                  </ul>
                </Row>
              )}
              {f.extras.frequency && <Row label={t('catalog.dataset.frequency')}>{f.extras.frequency}</Row>}
              {r.maintainer && <Row label={t('catalog.dataset.maintainer')}>{r.maintainer}</Row>}
              {r.author && <Row label={t('catalog.dataset.author')}>{r.author}</Row>}
              {r.url && (
                <Row label={t('catalog.dataset.source')}>
                  {/^https?:\/\//.test(r.url) ? (
                    <a href={r.url} rel="noopener">
                      {r.url}
                    </a>
                  ) : (
                    r.url
                  )}
                </Row>
              )}
              {r.version && <Row label={t('catalog.dataset.version')}>{r.version}</Row>}
              <Row label={t('catalog.dataset.created')}>{time(r.metadata_created, lang)}</Row>
              <Row label={t('catalog.dataset.modified')}>{time(r.metadata_modified, lang)}</Row>
              {r.first_published_at && <Row label={t('catalog.dataset.published')}>{time(r.first_published_at, lang)}</Row>}
              {canEdit && <Row label={t('catalog.dataset.state')}>{t(`catalog.state.${r.state}`)}</Row>}
              <Row label={t('catalog.dataset.name')}>
                <code>{r.name}</code>
              </Row>
              {oldNames.length > 0 && (
                <Row label={t('catalog.dataset.oldNames')}>
                  {oldNames.map((n) => (
                    <>
                      <code>{n}</code>{' '}
                    </>
                  ))}
                </Row>
              )}
              <Row label={t('catalog.dataset.id')}>
                <code>{r.id}</code>
              </Row>
              {extras.map(([k, v]) => (
                <Row label={k}>{v}</Row>
              ))}
            </tbody>
          </table>
        </div>
        <p class="small">
          <a href={`/api/3/action/package_show?id=${encodeURIComponent(r.id)}`}>{t('catalog.dataset.api')}</a>
        </p>
        <DcatLinks ctx={ctx} id={r.id} />
      </section>

      <section aria-labelledby="activity-heading">
        <h2 id="activity-heading">{t('catalog.dataset.activity')}</h2>
        {activities.length === 0 ? (
          <p>{t('catalog.dataset.activity.none')}</p>
        ) : (
          <div class="table-scroll">
            <table>
              <caption class="visually-hidden">{t('catalog.dataset.activity')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('catalog.dataset.activity.when')}</th>
                  <th scope="col">{t('catalog.dataset.activity.what')}</th>
                  {showActors && <th scope="col">{t('catalog.dataset.activity.who')}</th>}
                </tr>
              </thead>
              <tbody>
                {activities.map((a) => {
                  const fields = Object.keys(JSON.parse(a.diff_json) as Record<string, unknown>);
                  return (
                    <tr>
                      <td>{time(a.timestamp, lang)}</td>
                      <td>
                        {t(`catalog.activity.${a.activity_type}`)}
                        {a.activity_type === 'changed package' && fields.length > 0 && <span class="small muted"> {t('catalog.dataset.activity.fields', { fields: fields.join(', ') })}</span>}
                      </td>
                      {showActors && <td>{a.actor_label}</td>}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {canEdit && r.state !== 'deleted' && (
        <section aria-labelledby="delete-heading" class="danger-zone">
          <h2 id="delete-heading">{t('catalog.dataset.delete')}</h2>
          <p>{t('catalog.dataset.deleteConfirm')}</p>
          <form method="post" action={`${base}/delete`}>
            <Csrf ctx={ctx} />
            <button type="submit" class="secondary">
              {t('catalog.dataset.delete')}
            </button>
          </form>
        </section>
      )}
    </>
  );
}

export interface OrgListRow {
  o: OrgRow;
  count: number;
}

export function OrganizationsPage({ ctx, rows }: { ctx: PageCtx; rows: OrgListRow[] }): VNode {
  const { t, lang } = ctx;
  const kinds: OrgRow['kind'][] = ['tmg', 'bureau', 'municipality', 'other'];
  return (
    <>
      <h1>{t('catalog.orgs.title')}</h1>
      <p class="lead">{t('catalog.orgs.lead')}</p>
      {kinds.map((k) => {
        const list = rows.filter((r) => r.o.kind === k);
        if (!list.length) return null;
        return (
          <section aria-labelledby={`kind-${k}`}>
            <h2 id={`kind-${k}`}>{t(KIND_KEY[k])}</h2>
            <div class="table-scroll">
              <table>
                <caption class="visually-hidden">{t(KIND_KEY[k])}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('catalog.orgs.name')}</th>
                    {lang === 'ja' ? <th scope="col">{t('catalog.orgs.nameEn')}</th> : null}
                    <th scope="col">{t('catalog.orgs.code')}</th>
                    <th scope="col" class="num">
                      {t('catalog.orgs.datasets')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map(({ o, count }) => (
                    <tr>
                      <td>
                        <a href={`/organization/${encodeURIComponent(o.name)}`}>{orgName(lang, o)}</a>
                      </td>
                      {lang === 'ja' ? <td lang="en">{o.title_en}</td> : null}
                      <td>{o.lg_code ?? ''}</td>
                      <td class="num">{formatNumber(count, lang)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
    </>
  );
}

export function OrgIntro({ ctx, o }: { ctx: PageCtx; o: OrgRow }): VNode {
  const { t, lang } = ctx;
  return (
    <>
      {o.description && <p class="lead">{o.description}</p>}
      <dl class="meta">
        <dt>{t('catalog.org.kind')}</dt>
        <dd>{kindLabel(ctx, o)}</dd>
        {lang === 'ja' ? (
          <>
            <dt>{t('catalog.orgs.nameEn')}</dt>
            <dd lang="en">{o.title_en}</dd>
          </>
        ) : (
          <>
            <dt>{t('catalog.orgs.name')}</dt>
            <dd lang="ja">{o.title_ja}</dd>
          </>
        )}
        {o.kana && (
          <>
            <dt>{t('catalog.org.kana')}</dt>
            <dd lang="ja">{o.kana}</dd>
          </>
        )}
        {o.lg_code && (
          <>
            <dt>{t('catalog.org.code')}</dt>
            <dd>{o.lg_code}</dd>
          </>
        )}
      </dl>
      <p>
        <a href={`/catalog?organization=${encodeURIComponent(o.name)}`}>{t('catalog.org.searchAll')}</a>
      </p>
    </>
  );
}

export function GroupIntro({ ctx, g }: { ctx: PageCtx; g: GroupRow }): VNode {
  return (
    <>
      {g.description && <p class="lead">{g.description}</p>}
      <p>
        <a href={`/catalog?groups=${encodeURIComponent(g.name)}`}>{ctx.t('catalog.group.searchAll')}</a>
      </p>
    </>
  );
}

export function GroupsPage({ ctx, rows }: { ctx: PageCtx; rows: { g: GroupRow; count: number }[] }): VNode {
  const { t, lang } = ctx;
  return (
    <>
      <p class="breadcrumb small">
        <a href="/catalog">{t('catalog.title')}</a>
      </p>
      <h1>{t('catalog.groups.title')}</h1>
      <p class="lead">{t('catalog.groups.lead')}</p>
      <div class="table-scroll">
        <table>
          <caption class="visually-hidden">{t('catalog.groups.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('catalog.groups.name')}</th>
              <th scope="col" class="num">
                {t('catalog.orgs.datasets')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ g, count }) => (
              <tr>
                <td>
                  <a href={`/group/${encodeURIComponent(g.name)}`}>{groupName(lang, g)}</a>
                </td>
                <td class="num">{formatNumber(count, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
