import type { VNode } from 'preact';
import type { PageCtx } from '../../core/http/render.js';
import { Csrf } from '../../core/http/render.js';
import { pick } from '../../core/i18n/index.js';
import type { CaseDetail, CaseSummary, GuideView, UserRef } from '../service.js';
import { KINDS, STATUSES, type Status } from '../rules.js';
import { megabytes } from '../files.js';
import type { FormState } from '../../core/http/forms.js';
import { Checkbox, FileField, FormErrors, RadioGroup, SelectField, TextArea, TextField } from '../../core/http/fields.js';
import { date, dateTime, Done, Progress, REQUIRED, size, StatusBadge } from './common.js';

const ACCEPT = '.pdf,.png,.jpg,.jpeg,.docx,.xlsx,application/pdf,image/png,image/jpeg';

export function CaseTable({ ctx, cases, showCompany, caption }: { ctx: PageCtx; cases: CaseSummary[]; showCompany: boolean; caption: string }): VNode {
  const { t } = ctx;
  return (
    <div class="table-scroll">
      <table class="support-cases">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('support.col.case')}</th>
            {showCompany && <th scope="col">{t('support.col.company')}</th>}
            <th scope="col">{t('support.col.kind')}</th>
            <th scope="col">{t('support.col.status')}</th>
            {showCompany && <th scope="col">{t('support.col.assignee')}</th>}
            <th scope="col">{t('support.col.due')}</th>
            <th scope="col">{t('support.col.updated')}</th>
          </tr>
        </thead>
        <tbody>
          {cases.map((c) => (
            <tr>
              <th scope="row">
                <a href={`/support/cases/${c.id}`}>
                  <span class="support-case-no">#{c.id}</span> {c.title}
                </a>
              </th>
              {showCompany && <td>{pick(ctx.lang, c.company.name.ja, c.company.name.en)}</td>}
              <td>{t(`support.kind.${c.kind}`)}</td>
              <td>
                <StatusBadge t={t} status={c.status} />
              </td>
              {showCompany && <td>{c.assignee?.name ?? t('support.case.unassigned')}</td>}
              <td class="nowrap">
                {date(ctx, c.dueDate)}
                {c.overdue && <span class="support-overdue"> {t('support.case.overdue')}</span>}
              </td>
              <td class="nowrap">{dateTime(ctx, c.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function GuideLinks({ ctx, guides }: { ctx: PageCtx; guides: GuideView[] }): VNode {
  const { t } = ctx;
  if (!guides.length) return <p>{t('support.guides.none')}</p>;
  return (
    <ul class="support-guide-list">
      {guides.map((g) => (
        <li>
          <a href={`/support/guides/${g.slug}`}>{pick(ctx.lang, g.title.ja, g.title.en)}</a>
          {g.categories.length > 0 && <span class="muted small"> ({g.categories.map((k) => t(`support.kind.${k}`)).join(ctx.lang === 'ja' ? '、' : ', ')})</span>}
        </li>
      ))}
    </ul>
  );
}

/** A member's start page: their company's cases and the guides. */
export function SupportHome({ ctx, cases, guides, hasCompany, done }: { ctx: PageCtx; cases: CaseSummary[]; guides: GuideView[]; hasCompany: boolean; done?: string }): VNode {
  const { t } = ctx;
  return (
    <>
      <h1>{t('support.home.title')}</h1>
      <Done ctx={ctx} done={done} />
      <p class="lead">{t('support.home.lead')}</p>
      {hasCompany ? (
        <p>
          <a class="button" href="/support/cases/new">
            {t('support.home.new')}
          </a>
        </p>
      ) : (
        <div class="notice">{t('support.home.noCompany')}</div>
      )}
      <h2>{t('support.home.cases')}</h2>
      {cases.length ? <CaseTable ctx={ctx} cases={cases} showCompany={false} caption={t('support.home.casesCaption')} /> : <p>{t('support.home.noCases')}</p>}
      <h2>{t('support.home.guides')}</h2>
      <GuideLinks ctx={ctx} guides={guides} />
    </>
  );
}

function PersonFields({ ctx, form, prefix }: { ctx: PageCtx; form?: FormState; prefix: string }): VNode {
  const { t } = ctx;
  return (
    <>
      <TextField ctx={ctx} form={form} name={`${prefix}fullName`} label={t('support.person.fullName')} hint={t('support.person.fullNameHint')} autocomplete="off" />
      <TextField ctx={ctx} form={form} name={`${prefix}nationality`} label={t('support.person.nationality')} />
      <TextField ctx={ctx} form={form} name={`${prefix}passportNumber`} label={t('support.person.passportNumber')} />
      <TextField ctx={ctx} form={form} name={`${prefix}residenceCardNumber`} label={t('support.person.residenceCardNumber')} hint={t('support.person.residenceCardHint')} />
      <TextField ctx={ctx} form={form} name={`${prefix}dateOfBirth`} type="date" label={t('support.person.dateOfBirth')} />
      <TextArea ctx={ctx} form={form} name={`${prefix}homeAddress`} label={t('support.person.homeAddress')} rows={2} />
    </>
  );
}

/** Open a case: the company's members, or staff on a company's behalf. */
export function NewCase({ ctx, form, staff, maxBytes }: { ctx: PageCtx; form: FormState; staff: UserRef[] | null; maxBytes: number }): VNode {
  const { t } = ctx;
  return (
    <>
      <p class="breadcrumb">
        <a href={staff ? '/support/staff' : '/support'}>{t('support.back')}</a>
      </p>
      <h1>{t('support.new.title')}</h1>
      <p>{t('support.new.lead')}</p>
      <FormErrors ctx={ctx} form={form} />
      <form method="post" action="/support/cases" enctype="multipart/form-data" class="stack support-form" noValidate>
        <Csrf ctx={ctx} />
        {staff && (
          <>
            <TextField ctx={ctx} form={form} name="companyId" type="number" label={t('support.new.companyId')} hint={t('support.new.companyIdHint')} required requiredClass={REQUIRED} />
            <SelectField ctx={ctx} form={form} name="assigneeId" label={t('support.case.assignee')} placeholder={t('support.case.unassigned')} options={staff.map((s) => ({ value: String(s.id), label: s.name }))} />
            <TextField ctx={ctx} form={form} name="dueDate" type="date" label={t('support.case.dueDate')} />
          </>
        )}
        <RadioGroup ctx={ctx} form={form} name="kind" legend={t('support.new.kind')} required requiredClass={REQUIRED} class="support-radios" itemClass="support-radio" options={KINDS.map((k) => ({ value: k, label: t(`support.kind.${k}`), hint: t(`support.kindHint.${k}`) }))} />
        <TextField ctx={ctx} form={form} name="title" label={t('support.new.caseTitle')} hint={t('support.new.caseTitleHint')} required requiredClass={REQUIRED} />
        <TextArea ctx={ctx} form={form} name="description" label={t('support.new.description')} hint={t('support.new.descriptionHint')} rows={8} required requiredClass={REQUIRED} />
        <fieldset class="support-person">
          <legend>{t('support.new.person')}</legend>
          <p class="field-hint">{t('support.person.protected')}</p>
          <PersonFields ctx={ctx} form={form} prefix="persons.0." />
        </fieldset>
        <FileField ctx={ctx} form={form} name="file" label={t('support.file.label')} hint={t('support.file.hint', { max: megabytes(maxBytes) })} accept={ACCEPT} />
        <div>
          <button type="submit">{t('support.new.submit')}</button>
        </div>
      </form>
    </>
  );
}

export interface CaseForms {
  reply?: FormState;
  update?: FormState;
  person?: FormState;
}

/** One case: its progress, thread, documents, people and history; staff see the desk's tools too. */
export function CaseView({ ctx, c, staff, forms, maxBytes, done }: { ctx: PageCtx; c: CaseDetail; staff: UserRef[] | null; forms: CaseForms; maxBytes: number; done?: string }): VNode {
  const { t } = ctx;
  const isStaff = staff !== null;
  const closed = c.status === 'closed';
  const updateForm = forms.update ?? { values: { status: c.status, assigneeId: c.assignee ? String(c.assignee.id) : '', dueDate: c.dueDate ?? '' }, errors: [] };
  return (
    <>
      <p class="breadcrumb">
        <a href={isStaff ? '/support/staff' : '/support'}>{t('support.back')}</a>
      </p>
      <h1>
        <span class="support-case-no">{t('support.case.number', { id: c.id })}</span> {c.title}
      </h1>
      <Done ctx={ctx} done={done} />
      <dl class="meta">
        <dt>{t('support.col.status')}</dt>
        <dd>
          <StatusBadge t={t} status={c.status} />
        </dd>
        <dt>{t('support.col.kind')}</dt>
        <dd>{t(`support.kind.${c.kind}`)}</dd>
        {isStaff && (
          <>
            <dt>{t('support.col.company')}</dt>
            <dd>
              <a href={`/companies/${c.company.id}`}>{pick(ctx.lang, c.company.name.ja, c.company.name.en)}</a>
            </dd>
          </>
        )}
        <dt>{t('support.case.assignee')}</dt>
        <dd>{c.assignee?.name ?? t('support.case.unassigned')}</dd>
        <dt>{t('support.case.dueDate')}</dt>
        <dd>
          {c.dueDate ? date(ctx, c.dueDate) : t('support.case.noDueDate')}
          {c.overdue && <span class="support-overdue"> {t('support.case.overdue')}</span>}
        </dd>
        <dt>{t('support.case.opened')}</dt>
        <dd>{dateTime(ctx, c.createdAt)}</dd>
      </dl>
      <Progress t={t} status={c.status} />

      {!isStaff && c.allowedStatuses.length > 0 && (
        <section class="support-confirm" aria-labelledby="confirm-title">
          <h2 id="confirm-title">{t('support.confirm.title')}</h2>
          <p>{t('support.confirm.lead')}</p>
          <div class="inline-list">
            {c.allowedStatuses.includes('closed') && (
              <form method="post" action={`/support/cases/${c.id}/update`} class="inline-form">
                <Csrf ctx={ctx} />
                <input type="hidden" name="status" value="closed" />
                <button type="submit">{t('support.confirm.close')}</button>
              </form>
            )}
            {c.allowedStatuses.includes('in-progress') && (
              <form method="post" action={`/support/cases/${c.id}/update`} class="inline-form">
                <Csrf ctx={ctx} />
                <input type="hidden" name="status" value="in-progress" />
                <button type="submit" class="secondary">
                  {t('support.confirm.reopen')}
                </button>
              </form>
            )}
          </div>
        </section>
      )}

      {isStaff && (
        <section class="staff-forms" aria-labelledby="manage-title">
          <h2 id="manage-title">{t('support.manage.title')}</h2>
          <FormErrors ctx={ctx} form={forms.update} id="manage-errors" />
          <form method="post" action={`/support/cases/${c.id}/update`} class="stack">
            <Csrf ctx={ctx} />
            <SelectField
              ctx={ctx}
              form={updateForm}
              name="status"
              label={t('support.col.status')}
              hint={t('support.manage.statusHint')}
              options={[c.status, ...c.allowedStatuses].map((s) => ({ value: s, label: s === c.status ? t('support.manage.keep', { status: t(`support.status.${s}`) }) : t(`support.status.${s}`) }))}
            />
            <SelectField ctx={ctx} form={updateForm} name="assigneeId" label={t('support.case.assignee')} placeholder={t('support.case.unassigned')} options={staff.map((s) => ({ value: String(s.id), label: s.name }))} />
            <TextField ctx={ctx} form={updateForm} name="dueDate" type="date" label={t('support.case.dueDate')} hint={t('support.manage.dueHint')} />
            <div>
              <button type="submit">{t('support.manage.save')}</button>
            </div>
          </form>
        </section>
      )}

      <h2 id="messages">{t('support.thread.title')}</h2>
      <ol class="support-thread">
        {c.messages.map((m) => (
          <li class={`support-message support-message-${m.author.role}${m.internal ? ' support-message-internal' : ''}`}>
            <article aria-labelledby={`m${m.id}-h`}>
              <h3 id={`m${m.id}-h`} class="support-message-head">
                {m.author.role === 'staff' ? t('support.thread.fromStaff', { name: m.author.name }) : t('support.thread.fromCompany', { name: m.author.name })}
                <span class="muted small"> {dateTime(ctx, m.createdAt)}</span>
                {m.internal && <span class="badge"> {t('support.thread.internal')}</span>}
              </h3>
              {m.body && <p class="support-message-body">{m.body}</p>}
              {m.attachments.length > 0 && (
                <ul class="support-files">
                  {m.attachments.map((a) => (
                    <li>
                      <a href={`/support/cases/${c.id}/attachments/${a.id}`} download={a.filename}>
                        {a.filename}
                      </a>{' '}
                      <span class="muted small">
                        ({a.format}, {size(ctx, a.size)})
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </article>
          </li>
        ))}
      </ol>

      <section aria-labelledby="reply-title">
        <h2 id="reply-title">{t('support.reply.title')}</h2>
        {closed ? (
          <p class="notice">{t('support.reply.closed')}</p>
        ) : (
          <>
            <FormErrors ctx={ctx} form={forms.reply} id="reply-errors" />
            <form method="post" action={`/support/cases/${c.id}/messages`} enctype="multipart/form-data" class="stack" noValidate>
              <Csrf ctx={ctx} />
              <TextArea ctx={ctx} form={forms.reply} name="body" label={t('support.reply.body')} hint={t('support.reply.hint')} rows={6} />
              <FileField ctx={ctx} form={forms.reply} name="file" label={t('support.file.label')} hint={t('support.file.hint', { max: megabytes(maxBytes) })} accept={ACCEPT} />
              {isStaff && <Checkbox ctx={ctx} form={forms.reply} name="internal" label={t('support.reply.internal')} hint={t('support.reply.internalHint')} />}
              <div>
                <button type="submit">{t('support.reply.submit')}</button>
              </div>
            </form>
          </>
        )}
      </section>

      <h2 id="documents">{t('support.files.title')}</h2>
      {c.attachments.length ? (
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">{t('support.files.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('support.files.name')}</th>
                <th scope="col">{t('support.files.format')}</th>
                <th scope="col" class="num">
                  {t('support.files.size')}
                </th>
                <th scope="col">{t('support.files.by')}</th>
                <th scope="col">{t('support.files.at')}</th>
              </tr>
            </thead>
            <tbody>
              {c.attachments.map((a) => (
                <tr>
                  <th scope="row">
                    <a href={`/support/cases/${c.id}/attachments/${a.id}`} download={a.filename}>
                      {a.filename}
                    </a>
                  </th>
                  <td>{a.format}</td>
                  <td class="num">{size(ctx, a.size)}</td>
                  <td>{a.uploadedBy?.name ?? ''}</td>
                  <td class="nowrap">{dateTime(ctx, a.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>{c.personalDataPurgedAt ? t('support.files.purged', { date: date(ctx, c.personalDataPurgedAt) }) : t('support.files.none')}</p>
      )}
      <p class="field-hint">{t('support.files.protected')}</p>

      <h2 id="people">{t('support.people.title')}</h2>
      <p class="field-hint">{t('support.person.protected')}</p>
      {c.personalDataPurgedAt && <p class="notice">{t('support.people.purged', { date: date(ctx, c.personalDataPurgedAt) })}</p>}
      {c.persons.length > 0 && (
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">{t('support.people.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('support.person.fullName')}</th>
                <th scope="col">{t('support.person.nationality')}</th>
                <th scope="col">{t('support.person.passportNumber')}</th>
                <th scope="col">{t('support.person.residenceCardNumber')}</th>
                <th scope="col">{t('support.person.dateOfBirth')}</th>
                <th scope="col">{t('support.person.homeAddress')}</th>
                {!closed && <th scope="col">{t('support.people.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {c.persons.map((p) => (
                <tr>
                  <th scope="row">{p.fullName}</th>
                  <td>{p.nationality ?? ''}</td>
                  <td>{p.passportNumber ?? ''}</td>
                  <td>{p.residenceCardNumber ?? ''}</td>
                  <td class="nowrap">{p.dateOfBirth ?? ''}</td>
                  <td>{p.homeAddress ?? ''}</td>
                  {!closed && (
                    <td>
                      <form method="post" action={`/support/cases/${c.id}/persons/${p.id}/delete`} class="inline-form">
                        <Csrf ctx={ctx} />
                        <button type="submit" class="button-link" aria-label={t('support.people.removeNamed', { name: p.fullName })}>
                          {t('support.people.remove')}
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
      {!c.persons.length && !c.personalDataPurgedAt && <p>{t('support.people.none')}</p>}
      {!closed && (
        <details class="support-add-person" open={!!forms.person?.errors.length}>
          <summary>{t('support.people.add')}</summary>
          <FormErrors ctx={ctx} form={forms.person} id="person-errors" />
          <form method="post" action={`/support/cases/${c.id}/persons`} class="stack" noValidate>
            <Csrf ctx={ctx} />
            <PersonFields ctx={ctx} form={forms.person} prefix="" />
            <div>
              <button type="submit">{t('support.people.addSubmit')}</button>
            </div>
          </form>
        </details>
      )}

      <h2 id="history">{t('support.history.title')}</h2>
      <ol class="support-history">
        {c.history.map((e) => (
          <li>
            <span class="nowrap">{dateTime(ctx, e.at)}</span> — {historyLine(ctx, e, staff)}
          </li>
        ))}
      </ol>

      {c.downloads && (
        <>
          <h2 id="downloads">{t('support.downloads.title')}</h2>
          {c.downloads.length ? (
            <div class="table-scroll">
              <table>
                <caption class="visually-hidden">{t('support.downloads.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('support.downloads.at')}</th>
                    <th scope="col">{t('support.downloads.who')}</th>
                    <th scope="col">{t('support.downloads.file')}</th>
                    <th scope="col">{t('support.downloads.via')}</th>
                  </tr>
                </thead>
                <tbody>
                  {c.downloads.map((d) => (
                    <tr>
                      <td class="nowrap">{dateTime(ctx, d.at)}</td>
                      <td>{d.user.label}</td>
                      <td>{d.filename ?? t('support.downloads.deleted', { id: d.attachmentId })}</td>
                      <td>{t(`support.downloads.via.${d.via === 'api' ? 'api' : 'page'}`)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p>{t('support.downloads.none')}</p>
          )}
        </>
      )}
    </>
  );
}

function historyLine(ctx: PageCtx, e: CaseDetail['history'][number], staff: UserRef[] | null): string {
  const { t } = ctx;
  const who = e.actor.role === 'system' ? t('support.history.system') : e.actor.name ?? t('support.history.desk');
  const statusName = (s: string | null) => (s && (STATUSES as readonly string[]).includes(s) ? t(`support.status.${s as Status}`) : '');
  const staffName = (id: string | null) => (id ? (staff?.find((s) => String(s.id) === id)?.name ?? t('support.history.staffMember')) : t('support.case.unassigned'));
  switch (e.kind) {
    case 'opened':
      return t('support.history.opened', { who });
    case 'status':
      return t('support.history.status', { who, from: statusName(e.from), to: statusName(e.to) });
    case 'assigned':
      return t('support.history.assigned', { who, to: staffName(e.to) });
    case 'due-date':
      return t('support.history.due', { who, to: e.to ? date(ctx, e.to) : t('support.case.noDueDate') });
    case 'purged':
      return t('support.history.purged');
    default:
      return e.kind;
  }
}
