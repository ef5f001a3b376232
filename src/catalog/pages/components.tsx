import type { VNode } from 'preact';
import { formatDate, formatNumber, pick, type Lang, type Translator } from '../../core/i18n/index.js';
import type { FieldProblem } from '../../core/errors.js';
import type { PageCtx } from '../../core/http/render.js';
import type { FullDataset, GroupRow, LicenceRow, OrgRow } from '../store.js';
import type { Issue } from '../validate.js';
import { safeHighlight } from '../search-port.js';

export const orgName = (lang: Lang, o: Pick<OrgRow, 'title_ja' | 'title_en'>) => pick(lang, o.title_ja, o.title_en);
export const groupName = (lang: Lang, g: Pick<GroupRow, 'title_ja' | 'title_en'>) => pick(lang, g.title_ja, g.title_en);
export const licenceName = (lang: Lang, l: Pick<LicenceRow, 'title_ja' | 'title_en'>) => pick(lang, l.title_ja, l.title_en);

export function formatBytes(n: number | null, lang: Lang): string {
  if (n === null) return '';
  if (n < 1024) return `${formatNumber(n, lang)} B`;
  if (n < 1024 * 1024) return `${formatNumber(n / 1024, lang, 1)} KB`;
  return `${formatNumber(n / 1024 / 1024, lang, 1)} MB`;
}

/** A validation issue in the reader's language (the API keeps CKAN's English). */
export function issueText(t: Translator, i: Issue): string {
  const key = `catalog.v.${i.code}`;
  const text = t(key, i.params);
  return text === key ? i.message : text;
}

/** Issues → form field problems: `resources.0.url` → `url`, `tags.1.name` → `tag_string`, `groups.2` → `groups`. */
export function formProblems(t: Translator, issues: Issue[], fieldOf: (path: string) => string): FieldProblem[] {
  return issues.map((i) => ({ field: fieldOf(i.field), message: issueText(t, i) }));
}

/** Engine highlight (escaped text with <mark>) or the plain text. */
export function Highlighted({ html, text }: { html?: string; text: string }): VNode {
  const safe = safeHighlight(html);
  return safe ? <span dangerouslySetInnerHTML={{ __html: safe }} /> : <span>{text}</span>;
}

export function snippet(text: string, max = 200): string {
  const s = text.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

export function StateBadges({ f, t }: { f: FullDataset; t: Translator }): VNode | null {
  const badges: string[] = [];
  if (f.row.private) badges.push(t('catalog.badge.private'));
  if (f.row.state === 'draft') badges.push(t('catalog.badge.draft'));
  if (f.row.state === 'deleted') badges.push(t('catalog.badge.deleted'));
  if (!badges.length) return null;
  return (
    <>
      {badges.map((b) => (
        <>
          {' '}
          <span class="badge">{b}</span>
        </>
      ))}
    </>
  );
}

/** One dataset in a list of results. */
export function DatasetItem({ ctx, f, highlight }: { ctx: PageCtx; f: FullDataset; highlight?: { title?: string; notes?: string } }): VNode {
  const { t, lang } = ctx;
  const formats = [...new Set(f.resources.map((r) => r.format).filter(Boolean))];
  return (
    <li class="dataset-item">
      <h3>
        <a href={`/dataset/${encodeURIComponent(f.row.name)}`}>
          <Highlighted html={highlight?.title} text={f.row.title || f.row.name} />
        </a>
        <StateBadges f={f} t={t} />
      </h3>
      {f.row.notes && (
        <p class="dataset-notes">
          <Highlighted html={highlight?.notes} text={snippet(f.row.notes)} />
        </p>
      )}
      <dl class="meta dataset-meta">
        <dt>{t('catalog.result.org')}</dt>
        <dd>
          <a href={`/organization/${encodeURIComponent(f.org.name)}`}>{orgName(lang, f.org)}</a>
        </dd>
        {formats.length > 0 && (
          <>
            <dt>{t('catalog.result.formats')}</dt>
            <dd>
              {formats.map((x) => (
                <>
                  <span class="format-label">{x}</span>{' '}
                </>
              ))}
            </dd>
          </>
        )}
        <dt>{t('catalog.result.modified')}</dt>
        <dd>
          <time dateTime={f.row.metadata_modified}>{formatDate(f.row.metadata_modified, lang)}</time>
        </dd>
      </dl>
    </li>
  );
}
