import type { VNode } from 'preact';
import { formatNumber } from '../../core/i18n/index.js';
import { formatFiscalYear } from '../../core/fiscal.js';
import { Csrf, type PageCtx } from '../../core/http/render.js';
import { SECTOR_GROUPS, STAGES, type SectorGroup, type Stage } from '../rules.js';
import type { CompanyRef, TaskView, TaskWithLead } from '../service.js';
import { ExportLinks, Notice, SubNav, companyName, dateText, paren } from './common.js';

export interface DashboardProps {
  ctx: PageCtx;
  notice: string | null;
  tasks: { today: string; upcomingUntil: string; overdue: TaskWithLead[]; upcoming: TaskWithLead[] };
  myLeads: Map<Stage, number>;
  fiscalYear: number;
  established: Record<SectorGroup, { city: number; total: number }>;
}

/** Open tasks with a form per row to mark one done (a POST that comes back here). */
export function TaskTable({ ctx, caption, tasks, back, withLead = true }: { ctx: PageCtx; caption: string; tasks: (TaskView & { company?: CompanyRef })[]; back: string; withLead?: boolean }): VNode {
  const { t, lang } = ctx;
  return (
    <div class="table-scroll">
      <table class="attraction-tasks">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('attraction.col.due')}</th>
            <th scope="col">{t('attraction.col.task')}</th>
            {withLead && <th scope="col">{t('attraction.col.company')}</th>}
            <th scope="col">{t('attraction.col.assignee')}</th>
            <th scope="col">{t('attraction.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {tasks.length === 0 && (
            <tr>
              <td colSpan={withLead ? 5 : 4}>{t('attraction.none')}</td>
            </tr>
          )}
          {tasks.map((task) => (
            <tr class={task.done ? 'task-done' : undefined}>
              <td>{dateText(task.dueDate, lang)}</td>
              <th scope="row">{task.title}</th>
              {withLead && <td>{task.company ? <a href={`/attraction/leads/${task.leadId}`}>{companyName(lang, task.company)}</a> : null}</td>}
              <td>{task.assignee.name}</td>
              <td>
                <form method="post" action={`/attraction/tasks/${task.id}/done`} class="inline-form">
                  <Csrf ctx={ctx} />
                  <input type="hidden" name="done" value={task.done ? '0' : '1'} />
                  <input type="hidden" name="back" value={back} />
                  <button type="submit" class="secondary small-button">
                    {t(task.done ? 'attraction.task.markOpen' : 'attraction.task.markDone')}
                    <span class="visually-hidden">{paren(lang, task.title)}</span>
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function DashboardPage({ ctx, notice, tasks, myLeads, fiscalYear, established }: DashboardProps): VNode {
  const { t, lang, user } = ctx;
  const fy = formatFiscalYear(fiscalYear, lang);
  const sum = (k: 'city' | 'total') => SECTOR_GROUPS.reduce((s, g) => s + established[g][k], 0);
  return (
    <>
      <h1>{t('attraction.dashboard.title')}</h1>
      <SubNav ctx={ctx} />
      <Notice text={notice} />
      <p class="lead">{t('attraction.dashboard.lead', { name: user?.displayName ?? '', today: dateText(tasks.today, lang) })}</p>

      <h2>{t('attraction.dashboard.overdue')}</h2>
      <TaskTable ctx={ctx} caption={t('attraction.dashboard.overdueCaption', { count: tasks.overdue.length })} tasks={tasks.overdue} back="/attraction" />
      <h2>{t('attraction.dashboard.upcoming')}</h2>
      <TaskTable
        ctx={ctx}
        caption={t('attraction.dashboard.upcomingCaption', { from: dateText(tasks.today, lang), until: dateText(tasks.upcomingUntil, lang), count: tasks.upcoming.length })}
        tasks={tasks.upcoming}
        back="/attraction"
      />
      <ExportLinks t={t} lang={lang} base="/attraction/tasks" label={t('attraction.export.tasks')} />

      <h2>{t('attraction.dashboard.myLeads')}</h2>
      <div class="table-scroll">
        <table>
          <caption>{t('attraction.dashboard.myLeadsCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('attraction.col.stage')}</th>
              <th scope="col" class="num">
                {t('attraction.dashboard.count')}
              </th>
            </tr>
          </thead>
          <tbody>
            {STAGES.map((s) => (
              <tr>
                <th scope="row">
                  <a href={`/attraction/leads?owner=${user?.id ?? ''}&stage=${s}`}>{t(`attraction.stage.${s}`)}</a>
                </th>
                <td class="num">{formatNumber(myLeads.get(s) ?? 0, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>{t('attraction.dashboard.established', { year: fy })}</h2>
      <p>{t('attraction.dashboard.establishedNote')}</p>
      <div class="table-scroll">
        <table>
          <caption>{t('attraction.dashboard.establishedCaption', { year: fy })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('attraction.col.sectorGroup')}</th>
              <th scope="col" class="num">
                {t('attraction.col.city')}
              </th>
              <th scope="col" class="num">
                {t('attraction.col.total')}
              </th>
            </tr>
          </thead>
          <tbody>
            {SECTOR_GROUPS.map((g) => (
              <tr>
                <th scope="row">{t(`attraction.sectorGroup.${g}`)}</th>
                <td class="num">{formatNumber(established[g].city, lang)}</td>
                <td class="num">{formatNumber(established[g].total, lang)}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">{t('attraction.dashboard.allSectors')}</th>
              <td class="num">{formatNumber(sum('city'), lang)}</td>
              <td class="num">{formatNumber(sum('total'), lang)}</td>
            </tr>
          </tbody>
        </table>
      </div>
    </>
  );
}
