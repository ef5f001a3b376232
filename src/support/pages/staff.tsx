import type { VNode } from 'preact';
import type { PageCtx } from '../../core/http/render.js';
import { Csrf } from '../../core/http/render.js';
import { pick } from '../../core/i18n/index.js';
import type { OutboxEntry, MailStatus } from '../../core/mail/index.js';
import type { CaseSummary, CompanyRef, UserRef } from '../service.js';
import { KINDS, STATUSES } from '../rules.js';
import { CaseTable } from './cases.js';
import { Checkbox, SelectField } from '../../core/http/fields.js';
import { dateTime, Done } from './common.js';

export interface StaffFilter {
  status?: string;
  kind?: string;
  assigneeId?: string;
  companyId?: string;
  overdue?: string;
}

export function StaffCases({ ctx, cases, total, filter, staff, companies, page, pageSize, done }: { ctx: PageCtx; cases: CaseSummary[]; total: number; filter: StaffFilter; staff: UserRef[]; companies: CompanyRef[]; page: number; pageSize: number; done?: string }): VNode {
  const { t } = ctx;
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined && v !== '') as [string, string][]);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const pageHref = (p: number) => {
    const q = new URLSearchParams(query);
    if (p > 1) q.set('page', String(p));
    return `/support/staff${q.toString() ? `?${q.toString()}` : ''}`;
  };
  return (
    <>
      <h1>{t('support.staff.title')}</h1>
      <Done ctx={ctx} done={done} />
      <ul class="inline-list support-staff-links">
        <li>
          <a class="button" href="/support/cases/new">
            {t('support.staff.new')}
          </a>
        </li>
        <li>
          <a href={`/support/staff/cases.csv${query.toString() ? `?${query.toString()}` : ''}`}>{t('support.staff.export')}</a>
        </li>
        <li>
          <a href="/support/staff/guides">{t('support.staff.guides')}</a>
        </li>
        <li>
          <a href="/support/outbox">{t('support.staff.outbox')}</a>
        </li>
      </ul>
      <form method="get" action="/support/staff" class="support-filter" aria-label={t('support.staff.filter')}>
        <SelectField ctx={ctx} name="status" label={t('support.col.status')} value={filter.status} options={[{ value: '', label: t('support.filter.any') }, { value: 'active', label: t('support.filter.active') }, ...STATUSES.map((s) => ({ value: s, label: t(`support.status.${s}`) }))]} />
        <SelectField ctx={ctx} name="kind" label={t('support.col.kind')} value={filter.kind} options={[{ value: '', label: t('support.filter.any') }, ...KINDS.map((k) => ({ value: k, label: t(`support.kind.${k}`) }))]} />
        <SelectField ctx={ctx} name="assigneeId" label={t('support.col.assignee')} value={filter.assigneeId} options={[{ value: '', label: t('support.filter.any') }, { value: '0', label: t('support.case.unassigned') }, ...staff.map((s) => ({ value: String(s.id), label: s.name }))]} />
        <SelectField ctx={ctx} name="companyId" label={t('support.col.company')} value={filter.companyId} options={[{ value: '', label: t('support.filter.any') }, ...companies.map((c) => ({ value: String(c.id), label: pick(ctx.lang, c.name.ja, c.name.en) }))]} />
        <Checkbox ctx={ctx} name="overdue" label={t('support.filter.overdue')} checked={filter.overdue === '1'} />
        <div>
          <button type="submit">{t('support.filter.submit')}</button>
        </div>
      </form>
      <p role="status">{t('support.staff.count', { n: total })}</p>
      {cases.length ? <CaseTable ctx={ctx} cases={cases} showCompany caption={t('support.staff.caption')} /> : <p>{t('support.staff.none')}</p>}
      {pages > 1 && (
        <nav class="pager" aria-label={t('support.pager')}>
          <ul class="inline-list">
            {page > 1 && (
              <li>
                <a href={pageHref(page - 1)} rel="prev">
                  {t('support.pager.prev')}
                </a>
              </li>
            )}
            <li>{t('support.pager.of', { page, pages })}</li>
            {page < pages && (
              <li>
                <a href={pageHref(page + 1)} rel="next">
                  {t('support.pager.next')}
                </a>
              </li>
            )}
          </ul>
        </nav>
      )}
    </>
  );
}

export function OutboxPage({ ctx, items, counts, status, smtpConfigured, done }: { ctx: PageCtx; items: OutboxEntry[]; counts: Record<MailStatus, number>; status?: MailStatus; smtpConfigured: boolean; done?: string }): VNode {
  const { t } = ctx;
  return (
    <>
      <p class="breadcrumb">
        <a href="/support/staff">{t('support.back')}</a>
      </p>
      <h1>{t('support.outbox.title')}</h1>
      <Done ctx={ctx} done={done} />
      <p>{t('support.outbox.lead')}</p>
      {!smtpConfigured && <p class="notice">{t('support.outbox.noSmtp')}</p>}
      <ul class="inline-list" aria-label={t('support.outbox.filter')}>
        <li>
          <a href="/support/outbox" aria-current={!status ? 'page' : undefined}>
            {t('support.outbox.all', { n: counts.pending + counts.sent + counts.failed })}
          </a>
        </li>
        {(['pending', 'failed', 'sent'] as const).map((s) => (
          <li>
            <a href={`/support/outbox?status=${s}`} aria-current={status === s ? 'page' : undefined}>
              {t(`support.outbox.status.${s}`)} ({counts[s]})
            </a>
          </li>
        ))}
      </ul>
      {items.length ? (
        <div class="table-scroll">
          <table class="support-outbox">
            <caption class="visually-hidden">{t('support.outbox.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('support.outbox.created')}</th>
                <th scope="col">{t('support.outbox.to')}</th>
                <th scope="col">{t('support.outbox.subject')}</th>
                <th scope="col">{t('support.col.status')}</th>
                <th scope="col" class="num">
                  {t('support.outbox.attempts')}
                </th>
                <th scope="col">{t('support.outbox.when')}</th>
                <th scope="col">{t('support.outbox.error')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((m) => (
                <tr>
                  <td class="nowrap">{dateTime(ctx, m.createdAt)}</td>
                  <td>{m.to}</td>
                  <td>{m.subject}</td>
                  <td>
                    <span class={`status support-mail-${m.status}`}>{t(`support.outbox.status.${m.status}`)}</span>
                  </td>
                  <td class="num">{m.attempts}</td>
                  <td class="nowrap">{m.status === 'sent' ? t('support.outbox.sentAt', { at: dateTime(ctx, m.sentAt) }) : m.status === 'pending' ? t('support.outbox.nextAt', { at: dateTime(ctx, m.nextAttemptAt) }) : ''}</td>
                  <td>
                    {m.lastError && <span class="small">{m.lastError}</span>}
                    {m.status === 'failed' && (
                      <form method="post" action={`/support/outbox/${m.id}/retry`} class="inline-form">
                        <Csrf ctx={ctx} />
                        <button type="submit" class="secondary" aria-label={t('support.outbox.retryNamed', { id: m.id })}>
                          {t('support.outbox.retry')}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>{t('support.outbox.none')}</p>
      )}
    </>
  );
}
