import type { VNode } from 'preact';
import type { PageCtx } from '../../core/http/render.js';
import { Csrf } from '../../core/http/render.js';
import { FormErrors, TextField } from '../../core/http/fields.js';
import type { FormState } from '../../core/http/forms.js';
import type { FieldProblem } from '../../core/errors.js';
import type { Company } from '../types.js';
import { corporateNumberText, countryLabel, industryLabel, Name, nameOf } from './format.js';

export function MergeForm({ ctx, keep, from, gone, errors }: { ctx: PageCtx; keep: Company; from: string; gone: Company | null; errors: FieldProblem[] }): VNode {
  const { t, lang } = ctx;
  // The company to merge comes in as `from`; the form state carries only its problems.
  const form: FormState = { values: {}, errors };
  return (
    <>
      <p class="breadcrumb">
        <a href={`/companies/${keep.id}`}>
          <Name c={keep} lang={lang} />
        </a>
      </p>
      <h1>{t('companies.merge.title', { name: nameOf(keep, lang) })}</h1>
      <p class="lead">{t('companies.merge.lead')}</p>
      <FormErrors ctx={ctx} form={form} />
      {gone && !errors.length ? (
        <section aria-labelledby="merge-confirm-heading">
          <h2 id="merge-confirm-heading">{t('companies.merge.confirmHeading')}</h2>
          <div class="table-scroll">
            <table>
              <caption>{t('companies.merge.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('companies.field.id')}</th>
                  <th scope="col">{t('companies.merge.keep')}</th>
                  <th scope="col">{t('companies.merge.gone')}</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th scope="row">{t('companies.field.id')}</th>
                  <td>{keep.id}</td>
                  <td>{gone.id}</td>
                </tr>
                <tr>
                  <th scope="row">{t('companies.field.name')}</th>
                  <td>
                    <Name c={keep} lang={lang} />
                  </td>
                  <td>
                    <Name c={gone} lang={lang} />
                  </td>
                </tr>
                <tr>
                  <th scope="row">{t('companies.field.corporateNumber')}</th>
                  <td>{corporateNumberText(keep.corporateNumber, t)}</td>
                  <td>{corporateNumberText(gone.corporateNumber, t)}</td>
                </tr>
                <tr>
                  <th scope="row">{t('companies.field.country')}</th>
                  <td>{countryLabel(keep.country, lang)}</td>
                  <td>{countryLabel(gone.country, lang)}</td>
                </tr>
                <tr>
                  <th scope="row">{t('companies.field.industry')}</th>
                  <td>{industryLabel(keep, lang, t)}</td>
                  <td>{industryLabel(gone, lang, t)}</td>
                </tr>
              </tbody>
            </table>
          </div>
          <form method="post" action={`/companies/${keep.id}/merge`} class="stack">
            <Csrf ctx={ctx} />
            <input type="hidden" name="from" value={String(gone.id)} />
            <div class="inline-list">
              <button type="submit">{t('companies.merge.submit')}</button>
              <a href={`/companies/${keep.id}`}>{t('companies.form.cancel')}</a>
            </div>
          </form>
        </section>
      ) : (
        <form method="get" action={`/companies/${keep.id}/merge`} class="stack">
          <TextField
            ctx={ctx}
            form={form}
            name="from"
            label={t('companies.merge.from')}
            hint={
              <>
                {t('companies.merge.fromHint')} <a href="/companies">{t('companies.title')}</a>
              </>
            }
            inputMode="numeric"
            value={from}
          />
          <div>
            <button type="submit">{t('companies.merge.preview')}</button>
          </div>
        </form>
      )}
    </>
  );
}
