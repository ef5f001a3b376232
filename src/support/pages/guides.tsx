import type { VNode } from 'preact';
import type { PageCtx } from '../../core/http/render.js';
import { Csrf } from '../../core/http/render.js';
import { pick } from '../../core/i18n/index.js';
import type { GuideView } from '../service.js';
import { KINDS } from '../rules.js';
import { renderMarkdown } from '../markdown.js';
import { GuideLinks } from './cases.js';
import type { FormState } from '../../core/http/forms.js';
import { Checkbox, CheckboxGroup, FormErrors, TextArea, TextField } from '../../core/http/fields.js';
import { dateTime, Done, REQUIRED } from './common.js';

export function GuideIndex({ ctx, guides }: { ctx: PageCtx; guides: GuideView[] }): VNode {
  const { t } = ctx;
  const general = guides.filter((g) => !g.categories.length);
  return (
    <>
      <h1>{t('support.guides.title')}</h1>
      <p class="lead">{t('support.guides.lead')}</p>
      {KINDS.map((k) => {
        const list = guides.filter((g) => g.categories.includes(k));
        return list.length ? (
          <section aria-labelledby={`g-${k}`}>
            <h2 id={`g-${k}`}>{t(`support.kind.${k}`)}</h2>
            <GuideLinks ctx={ctx} guides={list} />
          </section>
        ) : null;
      })}
      {general.length > 0 && (
        <section aria-labelledby="g-general">
          <h2 id="g-general">{t('support.guides.general')}</h2>
          <GuideLinks ctx={ctx} guides={general} />
        </section>
      )}
      {!guides.length && <p>{t('support.guides.none')}</p>}
    </>
  );
}

/** A guide in the reader's language; the body is Markdown rendered with raw HTML escaped. */
export function GuidePage({ ctx, guide, staff }: { ctx: PageCtx; guide: GuideView; staff: boolean }): VNode {
  const { t, lang } = ctx;
  const body = lang === 'en' ? guide.body.en : guide.body.ja;
  return (
    <>
      <p class="breadcrumb">
        <a href="/support/guides">{t('support.guides.title')}</a>
      </p>
      <h1>{pick(lang, guide.title.ja, guide.title.en)}</h1>
      {!guide.published && <p class="notice">{t('support.guides.draft')}</p>}
      {guide.categories.length > 0 && (
        <p class="muted">
          {t('support.guides.categories')}: {guide.categories.map((k) => t(`support.kind.${k}`)).join(lang === 'ja' ? '、' : ', ')}
        </p>
      )}
      <div class="support-guide-body" dangerouslySetInnerHTML={{ __html: renderMarkdown(body) }} />
      <p class="muted small">{t('support.guides.updated', { at: dateTime(ctx, guide.updatedAt) })}</p>
      {ctx.user?.role === 'member' && (
        <p>
          <a class="button" href="/support/cases/new">
            {t('support.home.new')}
          </a>
        </p>
      )}
      {staff && (
        <p>
          <a href={`/support/staff/guides/${guide.id}`}>{t('support.guides.edit')}</a>
        </p>
      )}
    </>
  );
}

export function StaffGuides({ ctx, guides, done }: { ctx: PageCtx; guides: GuideView[]; done?: string }): VNode {
  const { t } = ctx;
  return (
    <>
      <p class="breadcrumb">
        <a href="/support/staff">{t('support.back')}</a>
      </p>
      <h1>{t('support.guides.staffTitle')}</h1>
      <Done ctx={ctx} done={done} />
      <p>
        <a class="button" href="/support/staff/guides/new">
          {t('support.guides.new')}
        </a>
      </p>
      {guides.length ? (
        <table>
          <caption class="visually-hidden">{t('support.guides.staffTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('support.guides.titleCol')}</th>
              <th scope="col">{t('support.guides.slug')}</th>
              <th scope="col">{t('support.guides.state')}</th>
              <th scope="col">{t('support.col.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {guides.map((g) => (
              <tr>
                <th scope="row">
                  <a href={`/support/staff/guides/${g.id}`}>{pick(ctx.lang, g.title.ja, g.title.en)}</a>
                </th>
                <td>
                  <a href={`/support/guides/${g.slug}`}>{g.slug}</a>
                </td>
                <td>{g.published ? t('support.guides.published') : t('support.guides.draftState')}</td>
                <td class="nowrap">{dateTime(ctx, g.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t('support.guides.none')}</p>
      )}
    </>
  );
}

export function GuideEditor({ ctx, form, guide }: { ctx: PageCtx; form: FormState; guide: GuideView | null }): VNode {
  const { t } = ctx;
  return (
    <>
      <p class="breadcrumb">
        <a href="/support/staff/guides">{t('support.guides.staffTitle')}</a>
      </p>
      <h1>{guide ? t('support.guides.editTitle') : t('support.guides.new')}</h1>
      <FormErrors ctx={ctx} form={form} />
      <form method="post" action={guide ? `/support/staff/guides/${guide.id}` : '/support/staff/guides'} class="stack support-guide-form" noValidate>
        <Csrf ctx={ctx} />
        <TextField ctx={ctx} form={form} name="slug" label={t('support.guides.slug')} hint={t('support.guides.slugHint')} required requiredClass={REQUIRED} />
        <TextField ctx={ctx} form={form} name="titleJa" label={t('support.guides.titleJa')} lang="ja" required requiredClass={REQUIRED} />
        <TextField ctx={ctx} form={form} name="titleEn" label={t('support.guides.titleEn')} lang="en" required requiredClass={REQUIRED} />
        <TextArea ctx={ctx} form={form} name="bodyJa" label={t('support.guides.bodyJa')} hint={t('support.guides.bodyHint')} rows={14} lang="ja" required requiredClass={REQUIRED} />
        <TextArea ctx={ctx} form={form} name="bodyEn" label={t('support.guides.bodyEn')} hint={t('support.guides.bodyHint')} rows={14} lang="en" required requiredClass={REQUIRED} />
        <CheckboxGroup ctx={ctx} form={form} name="categories" legend={t('support.guides.categories')} class="support-checks" options={KINDS.map((k) => ({ value: k, label: t(`support.kind.${k}`) }))} />
        <Checkbox ctx={ctx} form={form} name="published" label={t('support.guides.publish')} />
        <div>
          <button type="submit">{t('support.guides.save')}</button>
        </div>
      </form>
      {guide && (
        <form method="post" action={`/support/staff/guides/${guide.id}/delete`} class="support-delete">
          <Csrf ctx={ctx} />
          <button type="submit" class="secondary">
            {t('support.guides.delete')}
          </button>
        </form>
      )}
    </>
  );
}
