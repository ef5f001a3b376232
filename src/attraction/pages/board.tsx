import type { VNode } from 'preact';
import type { Lang, Translator } from '../../core/i18n/index.js';
import { formatNumber } from '../../core/i18n/index.js';
import { SECTORS, STAGES, allowedMoves, exitCriteria, type Stage } from '../rules.js';
import type { BoardCard, UserRef } from '../service.js';
import { SubNav, companyName, paren, sectorFilterOptions } from './common.js';
import type { PageCtx } from '../../core/http/render.js';

export interface BoardFilter {
  sector?: string;
  owner?: number;
}

/** The exit criteria of a stage in one line ("To move to Contacted: date of first contact, contact channel"). */
export function exitLine(t: Translator, stage: Stage, droppedFrom: Stage | null = null): string {
  if (stage === 'dropped') return droppedFrom ? t('attraction.exit.dropped', { stage: t(`attraction.stage.${droppedFrom}`) }) : t('attraction.exit.droppedColumn');
  const needs = exitCriteria(stage);
  if (!needs.length) return t('attraction.exit.none');
  const next = STAGES[STAGES.indexOf(stage) + 1]!;
  return t('attraction.exit.stageNeeds', { stage: t(`attraction.stage.${next}`), items: needs.map((f) => t(`attraction.exit.${f}`)).join(t('attraction.exit.sep')) });
}

/** Words every card repeats, looked up once a render. */
interface CardWords {
  sector: Record<string, string>;
  stage: Record<string, string>;
  move: string;
}

/** A card: company, sector and owner, and a GET form to the move page (markup kept small: a board holds many). */
function Card({ lead, t, lang, w }: { lead: BoardCard; t: Translator; lang: Lang; w: CardWords }): VNode {
  const moves = allowedMoves(lead.stage, lead.droppedFrom);
  const name = companyName(lang, lead.company);
  return (
    <li>
      <a href={`/attraction/leads/${lead.id}`}>{name}</a>
      <small>
        {w.sector[lead.sector]} · {t('attraction.board.owner', { name: lead.owner.name })}
      </small>
      {moves.length > 0 && (
        <form action={`/attraction/leads/${lead.id}/move`}>
          <select name="to" aria-label={t('attraction.board.moveTo', { company: name })}>
            {moves.map((m) => (
              <option value={m}>{w.stage[m]}</option>
            ))}
          </select>
          <button>{w.move}</button>
        </form>
      )}
    </li>
  );
}

/**
 * The board's body (everything under the layout): the same for every staff member who asks with
 * the same filter, so the route caches it by data version. It holds no CSRF token: moves start
 * with a GET to the move page, which asks for what the stage needs.
 */
export function BoardBody({ ctx, columns, perColumn, filter, owners }: { ctx: Pick<PageCtx, 't' | 'lang' | 'path' | 'nav' | 'user' | 'csrf'>; columns: { stage: Stage; total: number; cards: BoardCard[] }[]; perColumn: number; filter: BoardFilter; owners: UserRef[] }): VNode {
  const { t, lang } = ctx;
  const w: CardWords = {
    sector: Object.fromEntries(SECTORS.map((x) => [x, t(`attraction.sector.${x}`)])),
    stage: Object.fromEntries(STAGES.map((x) => [x, t(`attraction.stage.${x}`)])),
    move: t('attraction.board.move'),
  };
  const tableQuery = (stage: Stage) => {
    const q = new URLSearchParams({ stage });
    if (filter.sector) q.set('sector', filter.sector);
    if (filter.owner) q.set('owner', String(filter.owner));
    return q.toString();
  };
  return (
    <>
      <h1>{t('attraction.board.title')}</h1>
      <SubNav ctx={ctx as PageCtx} />
      <p>{t('attraction.board.lead')}</p>
      <form method="get" action="/attraction/board" class="filter-form" aria-label={t('attraction.board.filter')}>
        <div class="field">
          <label for="board-sector">{t('attraction.field.sector')}</label>
          <select id="board-sector" name="sector">
            <option value="">{t('attraction.sector.any')}</option>
            {sectorFilterOptions(t).map((o) => (
              <option value={o.value} selected={o.value === filter.sector}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="board-owner">{t('attraction.field.ownerId')}</label>
          <select id="board-owner" name="owner">
            <option value="">{t('attraction.any')}</option>
            {owners.map((u) => (
              <option value={String(u.id)} selected={u.id === filter.owner}>
                {u.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t('attraction.board.apply')}</button>
      </form>
      <p class="small muted">
        {t('attraction.exit.rule')} {t('attraction.board.capNote', { max: formatNumber(perColumn, lang) })}
      </p>
      <div class="board">
        {columns.map(({ stage: s, total, cards }) => {
          const hid = `col-${s}`;
          return (
            <section class={`board-column board-${s}`} aria-labelledby={hid}>
              <h2 id={hid}>
                {t(`attraction.stage.${s}`)}
                <span class="board-count">{paren(lang, t('attraction.board.count', { count: formatNumber(total, lang) }))}</span>
              </h2>
              <p class="board-exit small">{exitLine(t, s)}</p>
              {cards.length ? (
                <ul class="board-cards">
                  {cards.map((l) => (
                    <Card lead={l} t={t} lang={lang} w={w} />
                  ))}
                </ul>
              ) : (
                <p class="muted">{t('attraction.board.empty')}</p>
              )}
              {total > cards.length && (
                <p class="board-more">
                  <a href={`/attraction/leads?${tableQuery(s)}`}>{t('attraction.board.more', { rest: formatNumber(total - cards.length, lang), stage: t(`attraction.stage.${s}`) })}</a>
                </p>
              )}
            </section>
          );
        })}
      </div>
    </>
  );
}
