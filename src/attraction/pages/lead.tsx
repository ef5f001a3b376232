import type { VNode } from 'preact';
import { formatFiscalYear } from '../../core/fiscal.js';
import { formatNumber } from '../../core/i18n/index.js';
import { Csrf, type PageCtx } from '../../core/http/render.js';
import { CONTACT_CHANNELS, ENTITY_TYPES, ENTRY_REQUIREMENTS, ORIGINS, PATH, STAGE_FIELDS, reached, type MoveField, type Stage } from '../rules.js';
import type { LeadDetail, UserRef } from '../service.js';
import { emptyForm, type FormState } from '../../core/http/forms.js';
import { FormErrors, SelectField, TextArea, TextField } from '../../core/http/fields.js';
import { ExportLinks, Notice, SubNav, choiceOptions, companyName, dateText, dateTimeText, paren, sectorOptions, stageLabel } from './common.js';
import { TaskTable } from './dashboard.js';
import { exitLine } from './board.js';

/** The form control of a stage field. */
export function MoveFieldInput({ ctx, form, field, required }: { ctx: PageCtx; form: FormState; field: MoveField; required?: boolean }): VNode {
  const { t } = ctx;
  const label = t(`attraction.field.${field}`);
  switch (field) {
    case 'firstContactDate':
    case 'decisionDate':
    case 'establishedDate':
      return <TextField ctx={ctx} form={form} name={field} label={label} type="date" required={required} />;
    case 'contactChannel':
      return <SelectField ctx={ctx} form={form} name={field} label={label} options={choiceOptions(t, 'attraction.channel', CONTACT_CHANNELS)} placeholder={t('attraction.choose')} required={required} />;
    case 'plannedEntityType':
    case 'entityType':
      return <SelectField ctx={ctx} form={form} name={field} label={label} options={choiceOptions(t, 'attraction.entity', ENTITY_TYPES)} placeholder={t('attraction.choose')} required={required} />;
    case 'staffCount':
      return <TextField ctx={ctx} form={form} name={field} label={label} type="number" min={0} required={required} />;
    case 'officeAddress':
      return <TextField ctx={ctx} form={form} name={field} label={label} required={required} autocomplete="street-address" />;
    case 'dropReason':
      return <TextArea ctx={ctx} form={form} name={field} label={label} rows={4} required={required} />;
  }
}

/** A stage field's value as text. */
function fieldText(ctx: PageCtx, lead: LeadDetail, field: MoveField): string {
  const { t, lang } = ctx;
  const v = lead[field];
  if (v === null || v === undefined) return '—';
  if (field === 'contactChannel') return t(`attraction.channel.${v}`);
  if (field === 'entityType' || field === 'plannedEntityType') return t(`attraction.entity.${v}`);
  if (field === 'staffCount') return formatNumber(v as number, lang);
  if (field.endsWith('Date')) return dateText(String(v), lang);
  return String(v);
}

export interface LeadPageProps {
  ctx: PageCtx;
  lead: LeadDetail;
  notice: string | null;
  staff: UserRef[];
  today: string;
  consultation?: FormState;
  task?: FormState;
}

export function LeadPage({ ctx, lead, notice, staff, today, consultation = emptyForm({ date: today }), task = emptyForm() }: LeadPageProps): VNode {
  const { t, lang } = ctx;
  const name = companyName(lang, lead.company);
  const at = reached(lead.stage, lead.droppedFrom);
  const staffOptions = staff.map((u) => ({ value: String(u.id), label: u.name }));
  const canConsult = lead.stage !== 'lead' && lead.stage !== 'dropped';
  const recorded = PATH.filter((s, i) => i <= at).flatMap((s) => STAGE_FIELDS[s]);
  return (
    <>
      <h1>{t('attraction.lead.title', { id: lead.id, company: name })}</h1>
      <SubNav ctx={ctx} />
      <Notice text={notice} />

      <h2>{t('attraction.lead.progress')}</h2>
      <ol class="stage-path" aria-label={t('attraction.lead.progressLabel', { stage: t(`attraction.stage.${lead.stage}`) })}>
        {PATH.map((s, i) => (
          <li class={s === lead.stage ? 'current' : i < at || (i === at && lead.stage === 'dropped') ? 'done' : undefined} aria-current={s === lead.stage ? 'step' : undefined}>
            {t(`attraction.stage.${s}`)}
            {s === lead.stage && <span class="visually-hidden">{paren(lang, t('attraction.lead.current'))}</span>}
          </li>
        ))}
        {lead.stage === 'dropped' && (
          <li class="current dropped" aria-current="step">
            {t('attraction.stage.dropped')}
          </li>
        )}
      </ol>
      <p>
        <strong>{t(`attraction.stage.${lead.stage}`)}</strong> — {t('attraction.lead.since', { date: dateTimeText(lead.stageChangedAt, lang) })}
      </p>

      <section aria-labelledby="exit-title" class="exit-criteria">
        <h3 id="exit-title">{t('attraction.exit.title')}</h3>
        <p>{exitLine(t, lead.stage, lead.droppedFrom)}</p>
        {lead.exitCriteria.length > 0 && (
          <ul class="criteria">
            {lead.exitCriteria.map((c) => (
              <li class={c.met ? 'met' : 'missing'}>
                <span class="badge">{t(c.met ? 'attraction.exit.met' : 'attraction.exit.missing')}</span> {t(`attraction.exit.${c.field}`)}
              </li>
            ))}
          </ul>
        )}
      </section>

      {lead.allowedMoves.length > 0 && (
        <>
          <h3>{t('attraction.lead.moves')}</h3>
          <ul class="inline-list">
            {lead.allowedMoves.map((s) => (
              <li>
                <a class={s === 'dropped' ? 'button secondary' : 'button'} href={`/attraction/leads/${lead.id}/move?to=${s}`}>
                  {lead.stage === 'dropped' ? t('attraction.lead.reopen', { stage: t(`attraction.stage.${s}`) }) : t('attraction.lead.moveTo', { stage: t(`attraction.stage.${s}`) })}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}

      <h2>{t('attraction.lead.summary')}</h2>
      <dl class="meta">
        <dt>{t('attraction.lead.company')}</dt>
        <dd>
          {name} ({lead.company.country}) — <a href={`/companies/${lead.company.id}`}>{t('attraction.lead.companyPage')}</a>
        </dd>
        <dt>{t('attraction.field.sector')}</dt>
        <dd>
          {t(`attraction.sectorGroup.${lead.sectorGroup}`)} / {t(`attraction.sector.${lead.sector}`)}
        </dd>
        <dt>{t('attraction.field.origin')}</dt>
        <dd>{t(`attraction.origin.${lead.origin}`)}</dd>
        <dt>{t('attraction.field.ownerId')}</dt>
        <dd>{lead.owner.name}</dd>
        <dt>{t('attraction.col.createdAt')}</dt>
        <dd>
          {dateTimeText(lead.createdAt, lang)} ({formatFiscalYear(lead.createdFiscalYear, lang)})
        </dd>
        {recorded.map((f) => (
          <>
            <dt>{t(`attraction.field.${f}`)}</dt>
            <dd>
              {fieldText(ctx, lead, f)}
              {f === 'establishedDate' && lead.establishedFiscalYear ? paren(lang, formatFiscalYear(lead.establishedFiscalYear, lang)) : ''}
            </dd>
          </>
        ))}
        {lead.stage === 'dropped' && (
          <>
            <dt>{t('attraction.field.dropReason')}</dt>
            <dd>{lead.dropReason ?? '—'}</dd>
          </>
        )}
        <dt>{t('attraction.field.notes')}</dt>
        <dd class="prewrap">{lead.notes ?? '—'}</dd>
      </dl>
      <p>
        <a href={`/attraction/leads/${lead.id}/edit`}>{t('attraction.lead.edit')}</a>
      </p>

      <h2>{t('attraction.lead.history')}</h2>
      <div class="table-scroll">
        <table>
          <caption>{t('attraction.lead.historyCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('attraction.col.when')}</th>
              <th scope="col">{t('attraction.col.from')}</th>
              <th scope="col">{t('attraction.col.to')}</th>
              <th scope="col">{t('attraction.col.by')}</th>
              <th scope="col">{t('attraction.col.note')}</th>
            </tr>
          </thead>
          <tbody>
            {lead.history.map((h) => (
              <tr>
                <td>{dateTimeText(h.at, lang)}</td>
                <td>{stageLabel(t, h.from)}</td>
                <th scope="row">{stageLabel(t, h.to)}</th>
                <td>{h.by}</td>
                <td class="prewrap">{h.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ExportLinks t={t} lang={lang} base={`/attraction/leads/${lead.id}/history`} label={t('attraction.export.history')} />

      <h2>{t('attraction.lead.consultations')}</h2>
      <div class="table-scroll">
        <table>
          <caption>{t('attraction.lead.consultationsCaption', { count: lead.consultations.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('attraction.col.date')}</th>
              <th scope="col">{t('attraction.col.topic')}</th>
              <th scope="col">{t('attraction.col.staff')}</th>
              <th scope="col">{t('attraction.col.note')}</th>
              <th scope="col">{t('attraction.field.tasks')}</th>
            </tr>
          </thead>
          <tbody>
            {lead.consultations.length === 0 && (
              <tr>
                <td colSpan={5}>{t('attraction.none')}</td>
              </tr>
            )}
            {lead.consultations.map((c) => (
              <tr id={`consultation-${c.id}`}>
                <td>{dateText(c.date, lang)}</td>
                <th scope="row">{c.topic}</th>
                <td>{c.staff.name}</td>
                <td class="prewrap">{c.notes ?? ''}</td>
                <td>
                  {c.tasks.length ? (
                    <ul class="plain">
                      {c.tasks.map((x) => (
                        <li>
                          {x.done ? '✓ ' : ''}
                          {x.title} — {dateText(x.dueDate, lang)} ({x.assignee.name})
                        </li>
                      ))}
                    </ul>
                  ) : (
                    t('attraction.lead.consultationNoTasks')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {canConsult && (
        <section aria-labelledby="new-consultation">
          <h3 id="new-consultation">{t('attraction.lead.newConsultation')}</h3>
          <p class="field-hint">{t('attraction.lead.consultationHint')}</p>
          <FormErrors ctx={ctx} form={consultation} />
          <form method="post" action={`/attraction/leads/${lead.id}/consultations`} class="stack attraction-form">
            <Csrf ctx={ctx} />
            <TextField ctx={ctx} form={consultation} name="date" label={t('attraction.field.date')} type="date" required />
            <TextField ctx={ctx} form={consultation} name="topic" label={t('attraction.field.topic')} required />
            <SelectField ctx={ctx} form={consultation} name="staffId" label={t('attraction.field.staffId')} options={staffOptions} placeholder={t('attraction.choose')} />
            <TextArea ctx={ctx} form={consultation} name="notes" label={t('attraction.field.notes')} rows={4} />
            {[0, 1, 2].map((i) => (
              <fieldset>
                <legend>{t('attraction.lead.followUp', { n: i + 1 })}</legend>
                <TextField ctx={ctx} form={consultation} name={`tasks.${i}.title`} label={t('attraction.field.tasks.title')} />
                <TextField ctx={ctx} form={consultation} name={`tasks.${i}.dueDate`} label={t('attraction.field.tasks.dueDate')} type="date" />
                <SelectField ctx={ctx} form={consultation} name={`tasks.${i}.assigneeId`} label={t('attraction.field.tasks.assigneeId')} options={staffOptions} placeholder={t('attraction.choose')} />
              </fieldset>
            ))}
            <div>
              <button type="submit">{t('attraction.lead.record')}</button>
            </div>
          </form>
        </section>
      )}

      <h2>{t('attraction.lead.tasks')}</h2>
      <TaskTable ctx={ctx} caption={t('attraction.lead.tasksCaption', { count: lead.tasks.length })} tasks={lead.tasks} back={`/attraction/leads/${lead.id}`} withLead={false} />
      <section aria-labelledby="new-task">
        <h3 id="new-task">{t('attraction.lead.newTask')}</h3>
        <FormErrors ctx={ctx} form={task} />
        <form method="post" action={`/attraction/leads/${lead.id}/tasks`} class="stack attraction-form">
          <Csrf ctx={ctx} />
          <TextField ctx={ctx} form={task} name="title" label={t('attraction.field.title')} required />
          <TextField ctx={ctx} form={task} name="dueDate" label={t('attraction.field.dueDate')} type="date" required />
          <SelectField ctx={ctx} form={task} name="assigneeId" label={t('attraction.field.assigneeId')} options={staffOptions} placeholder={t('attraction.choose')} />
          {lead.consultations.length > 0 && (
            <SelectField
              ctx={ctx}
              form={task}
              name="consultationId"
              label={t('attraction.field.consultationId')}
              options={lead.consultations.map((c) => ({ value: String(c.id), label: `${dateText(c.date, lang)} ${c.topic}` }))}
              placeholder={t('attraction.none')}
            />
          )}
          <div>
            <button type="submit">{t('attraction.lead.add')}</button>
          </div>
        </form>
      </section>
    </>
  );
}

export interface MovePageProps {
  ctx: PageCtx;
  lead: LeadDetail;
  to: Stage;
  form?: FormState;
}

/** The form of one move: the target stage's requirements, each a labelled field. */
export function MovePage({ ctx, lead, to, form = emptyForm() }: MovePageProps): VNode {
  const { t, lang } = ctx;
  const stage = t(`attraction.stage.${to}`);
  const reopening = lead.stage === 'dropped';
  const needs = reopening ? [] : ENTRY_REQUIREMENTS[to];
  const allowed = lead.allowedMoves.includes(to);
  return (
    <>
      <h1>{t('attraction.move.title', { id: lead.id, stage })}</h1>
      <p>
        <a href={`/attraction/leads/${lead.id}`}>{companyName(lang, lead.company)}</a> — {t(`attraction.stage.${lead.stage}`)} → {stage}
      </p>
      <FormErrors ctx={ctx} form={form} />
      {!allowed && <p class="notice">{t('attraction.move.notAllowed', { stage })}</p>}
      <p class="small muted">{t('attraction.exit.rule')}</p>
      {/* Checked by the server, whose error summary names every missing stage field; the browser's own check would stop at the first. */}
      <form method="post" action={`/attraction/leads/${lead.id}/move`} class="stack attraction-form" noValidate>
        <Csrf ctx={ctx} />
        <input type="hidden" name="to" value={to} />
        {needs.length > 0 && (
          <fieldset>
            <legend>{t('attraction.move.needs')}</legend>
            {needs.map((f) =>
              f === 'consultations' ? (
                <p id="f-consultations" class={lead.consultations.length ? undefined : 'field-error'}>
                  {t('attraction.exit.consultations')}: {t('attraction.move.consultationsNeeded', { count: lead.consultations.length })}
                </p>
              ) : (
                <MoveFieldInput ctx={ctx} form={form} field={f} required />
              ),
            )}
          </fieldset>
        )}
        <TextArea ctx={ctx} form={form} name="note" label={t('attraction.field.note')} hint={t(reopening ? 'attraction.move.reopenHint' : 'attraction.move.noteHint')} rows={4} required={reopening} />
        <div>
          <button type="submit">{t('attraction.move.submit')}</button> <a href={`/attraction/leads/${lead.id}`}>{t('attraction.lead.cancel')}</a>
        </div>
      </form>
    </>
  );
}

/** Correct a lead: its own fields and those of the stages it has reached. */
export function EditPage({ ctx, lead, form, owners }: { ctx: PageCtx; lead: LeadDetail; form: FormState; owners: UserRef[] }): VNode {
  const { t, lang } = ctx;
  const at = reached(lead.stage, lead.droppedFrom);
  const fields = [...PATH.filter((_s, i) => i <= at).flatMap((s) => STAGE_FIELDS[s]), ...(lead.stage === 'dropped' ? (['dropReason'] as const) : [])];
  return (
    <>
      <h1>{t('attraction.edit.title', { id: lead.id })}</h1>
      <p>
        <a href={`/attraction/leads/${lead.id}`}>{companyName(lang, lead.company)}</a>
      </p>
      <FormErrors ctx={ctx} form={form} />
      <form method="post" action={`/attraction/leads/${lead.id}/edit`} class="stack attraction-form" noValidate>
        <Csrf ctx={ctx} />
        <SelectField ctx={ctx} form={form} name="sector" label={t('attraction.field.sector')} options={sectorOptions(t, lang)} required />
        <SelectField ctx={ctx} form={form} name="origin" label={t('attraction.field.origin')} options={choiceOptions(t, 'attraction.origin', ORIGINS)} required />
        <SelectField ctx={ctx} form={form} name="ownerId" label={t('attraction.field.ownerId')} options={owners.map((u) => ({ value: String(u.id), label: u.name }))} required />
        <TextArea ctx={ctx} form={form} name="notes" label={t('attraction.field.notes')} rows={4} />
        {fields.length > 0 && (
          <fieldset>
            <legend>{t('attraction.edit.stageFields')}</legend>
            {fields.map((f) => (
              <MoveFieldInput ctx={ctx} form={form} field={f} required />
            ))}
          </fieldset>
        )}
        <div>
          <button type="submit">{t('attraction.lead.save')}</button> <a href={`/attraction/leads/${lead.id}`}>{t('attraction.lead.cancel')}</a>
        </div>
      </form>
    </>
  );
}
