import type { VNode } from 'preact';
import type { PageCtx } from '../../core/http/render.js';
import { Csrf } from '../../core/http/render.js';
import { FormErrors, TextField } from '../../core/http/fields.js';
import type { FormState } from '../../core/http/forms.js';
import { formatDateTime } from '../../core/i18n/index.js';
import { JCN_SCHEME } from '../corporate-number.js';
import type { Company, CompanyContact, TimelineEvent } from '../types.js';
import { corporateNumberText, countryLabel, industryLabel, Ja, municipalityLabel, Name, nameOf, numberText } from './format.js';

export interface DetailProps {
  ctx: PageCtx;
  company: Company;
  contacts: CompanyContact[];
  timeline: TimelineEvent[];
  staff: boolean;
  notice?: string;
  contactForm?: FormState;
}

const MODULES = new Set(['companies', 'attraction', 'support', 'matching']);

export function CompanyDetail({ ctx, company: c, contacts, timeline, staff, notice, contactForm }: DetailProps): VNode {
  const { t, lang } = ctx;
  const name = nameOf(c, lang);
  return (
    <>
      {staff && (
        <p class="breadcrumb">
          <a href="/companies">{t('companies.detail.back')}</a>
        </p>
      )}
      <h1>
        <Name c={c} lang={lang} />
      </h1>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {staff && (
        <ul class="inline-list company-actions" aria-label={t('companies.detail.actions')}>
          <li>
            <a href={`/companies/${c.id}/edit`}>{t('companies.detail.edit')}</a>
          </li>
          <li>
            <a href={`/companies/${c.id}/merge`}>{t('companies.detail.merge')}</a>
          </li>
        </ul>
      )}

      <section aria-labelledby="profile-heading">
        <h2 id="profile-heading">{t('companies.detail.profile')}</h2>
        <dl class="meta company-profile">
          <dt>{t('companies.field.nameJa')}</dt>
          <dd>
            <Ja text={c.nameJa ?? t('companies.none')} lang={lang} />
          </dd>
          <dt>{t('companies.field.nameEn')}</dt>
          <dd lang={c.nameEn ? 'en' : undefined}>{c.nameEn ?? t('companies.none')}</dd>
          <dt>{t('companies.field.kana')}</dt>
          <dd>
            <Ja text={c.kana ?? t('companies.none')} lang={lang} />
          </dd>
          <dt>{t('companies.field.corporateNumber')}</dt>
          <dd class="nowrap">{corporateNumberText(c.corporateNumber, t)}</dd>
          <dt>{t('companies.field.country')}</dt>
          <dd>{countryLabel(c.country, lang)}</dd>
          <dt>{t('companies.field.registeredInTokyo')}</dt>
          <dd>{c.registeredInTokyo ? t('companies.yes') : t('companies.no')}</dd>
          <dt>{t('companies.field.lgCode')}</dt>
          <dd>{municipalityLabel(c.lgCode, lang, t)}</dd>
          <dt>{t('companies.field.industry')}</dt>
          <dd>{industryLabel(c, lang, t)}</dd>
          <dt>{t('companies.field.employees')}</dt>
          <dd>{numberText(c.employees, lang, t, 'people')}</dd>
          <dt>{t('companies.field.capitalYen')}</dt>
          <dd>{numberText(c.capitalYen, lang, t, 'yen')}</dd>
          <dt>{t('companies.field.postalCode')}</dt>
          <dd>{c.postalCode ?? t('companies.none')}</dd>
          <dt>{t('companies.field.addressJa')}</dt>
          <dd>
            <Ja text={c.addressJa ?? t('companies.none')} lang={lang} />
          </dd>
          <dt>{t('companies.field.addressEn')}</dt>
          <dd>{c.addressEn ?? t('companies.none')}</dd>
          <dt>{t('companies.field.website')}</dt>
          <dd>{c.website ? <a href={c.website} rel="noopener noreferrer">{c.website}</a> : t('companies.none')}</dd>
          <dt>{t('companies.field.summary')}</dt>
          <dd class="company-summary">{c.summary ?? t('companies.none')}</dd>
          <dt>{t('companies.field.createdAt')}</dt>
          <dd>{formatDateTime(c.createdAt, lang)}</dd>
          <dt>{t('companies.field.updatedAt')}</dt>
          <dd>{formatDateTime(c.updatedAt, lang)}</dd>
        </dl>
      </section>

      <section aria-labelledby="identifiers-heading">
        <h2 id="identifiers-heading">{t('companies.detail.identifiers')}</h2>
        <table class="company-identifiers">
          <caption>{t('companies.detail.identifiersCaption', { name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('companies.detail.scheme')}</th>
              <th scope="col">{t('companies.detail.value')}</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{t('companies.detail.internal')}</th>
              <td>{c.id}</td>
            </tr>
            {c.corporateNumber && (
              <tr>
                <th scope="row">
                  {t('companies.detail.jcn')} <code>{JCN_SCHEME}</code>
                </th>
                <td>
                  <span class="nowrap">{corporateNumberText(c.corporateNumber, t)}</span> (<code>{c.corporateNumber}</code>){' '}
                  <a href={`https://info.gbiz.go.jp/hojin/ichiran?hojinBango=${c.corporateNumber}`} rel="noopener noreferrer">
                    {t('companies.detail.gbiz')}
                  </a>
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="contacts-heading">
        <h2 id="contacts-heading">{t('companies.detail.contacts')}</h2>
        {contacts.length === 0 ? (
          <p>{t('companies.detail.noContacts')}</p>
        ) : (
          <div class="table-scroll">
            <table class="company-contacts">
              <caption>{t('companies.detail.contactsCaption', { name })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('companies.contact.name')}</th>
                  <th scope="col">{t('companies.contact.role')}</th>
                  <th scope="col">{t('companies.contact.email')}</th>
                  <th scope="col">{t('companies.contact.phone')}</th>
                  {staff && <th scope="col">{t('companies.detail.actions')}</th>}
                </tr>
              </thead>
              <tbody>
                {contacts.map((p) => (
                  <tr>
                    <th scope="row">{p.name}</th>
                    <td>{p.role ?? t('companies.none')}</td>
                    <td>{p.email ? <a href={`mailto:${p.email}`}>{p.email}</a> : t('companies.none')}</td>
                    <td>{p.phone ?? t('companies.none')}</td>
                    {staff && (
                      <td>
                        <form method="post" action={`/companies/${c.id}/contacts/${p.id}/delete`} class="inline-form">
                          <Csrf ctx={ctx} />
                          <button type="submit" class="secondary" aria-label={t('companies.contact.removeLabel', { name: p.name })}>
                            {t('companies.contact.remove')}
                          </button>
                        </form>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {staff && (
          <>
            <h3 id="contact-form-heading">{t('companies.contact.add')}</h3>
            <FormErrors ctx={ctx} form={contactForm} />
            <form method="post" action={`/companies/${c.id}/contacts`} class="stack" aria-labelledby="contact-form-heading">
              <Csrf ctx={ctx} />
              {(
                [
                  ['name', 'companies.contact.name', 'text', 'name'],
                  ['role', 'companies.contact.role', 'text', 'organization-title'],
                  ['email', 'companies.contact.email', 'email', 'email'],
                  ['phone', 'companies.contact.phone', 'tel', 'tel'],
                ] as const
              ).map(([name, label, type, ac]) => (
                <TextField ctx={ctx} form={contactForm} name={name} label={t(label)} type={type} autocomplete={`section-contact ${ac}`} required={name === 'name'} />
              ))}
              <div>
                <button type="submit">{t('companies.contact.submit')}</button>
              </div>
            </form>
          </>
        )}
      </section>

      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">{t('companies.detail.timeline')}</h2>
        <p>{t('companies.detail.timelineLead')}</p>
        {timeline.length === 0 ? (
          <p>{t('companies.detail.noEvents')}</p>
        ) : (
          <div class="table-scroll">
            <table class="company-timeline">
              <caption>{t('companies.detail.timelineCaption', { name })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('companies.detail.at')}</th>
                  <th scope="col">{t('companies.detail.module')}</th>
                  <th scope="col">{t('companies.detail.event')}</th>
                </tr>
              </thead>
              <tbody>
                {timeline.map((e) => (
                  <tr>
                    <td class="nowrap">
                      <time dateTime={e.at}>{formatDateTime(e.at, lang)}</time>
                    </td>
                    <td>{MODULES.has(e.module) ? t(`companies.module.${e.module}`) : e.module}</td>
                    <td>{e.href && !e.href.startsWith(`/companies/${c.id}`) ? <a href={e.href}>{e.title[lang]}</a> : e.title[lang]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <ul class="inline-list">
          <li>
            <a href={`/companies/${c.id}/history.csv?lang=${lang}`}>{t('companies.history.csv')}</a>
          </li>
          <li>
            <a href={`/companies/${c.id}/history.xlsx?lang=${lang}`}>{t('companies.history.xlsx')}</a>
          </li>
        </ul>
      </section>
    </>
  );
}
