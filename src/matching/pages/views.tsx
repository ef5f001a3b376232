import type { ComponentChildren, VNode } from 'preact';
import type { PageCtx } from '../../core/http/render.js';
import { formatNumber } from '../../core/i18n/index.js';
import { formatFiscalYear } from '../../core/fiscal.js';
import type { CardView, MeetingView, OutcomeReport, ProfileView, RecommendationView, RequestView } from '../service.js';
import type { AgendaView, FairView, ScheduleView, UnplacedView } from '../fairs.js';
import { CARD_KINDS, CARD_STATUSES, JSIC_MAJORS, MATCHING_KINDS, OUTCOMES, REGIONS, type MatchingSettings } from '../rules.js';
import type { FormState } from '../../core/http/forms.js';
import { CheckboxGroup, FormErrors, SelectField, TextArea, TextField, type Option } from '../../core/http/fields.js';
import { ActionForm, ExportLinks, Notice, Pager, bi, date, dateTime, nameOf, time } from './common.js';

const kindOptions = (ctx: PageCtx): Option[] => CARD_KINDS.map((k) => ({ value: k, label: ctx.t(`matching.kind.${k}`) }));
const jsicOptions = (ctx: PageCtx): Option[] => JSIC_MAJORS.map((j) => ({ value: j, label: ctx.t(`matching.jsic.${j}`) }));
const regionOptions = (ctx: PageCtx): Option[] => REGIONS.map((r) => ({ value: r, label: ctx.t(`matching.region.${r}`) }));
const mkindOptions = (ctx: PageCtx): Option[] => MATCHING_KINDS.map((k) => ({ value: k, label: ctx.t(`matching.mkind.${k}`) }));
/** Checkboxes in columns (kabuto.css). */
const CHECK_COLUMNS = 'plain matching-checks';
const isStaff = (ctx: PageCtx) => ctx.user?.role === 'staff' || ctx.user?.role === 'admin';

/** A scrolling table with a header row; the caption is for screen readers unless `showCaption`. */
function ListTable({ caption, showCaption, columns, children }: { caption: ComponentChildren; showCaption?: boolean; columns: string[]; children: ComponentChildren }): VNode {
  return (
    <div class="table-scroll">
      <table>
        <caption class={showCaption ? undefined : 'visually-hidden'}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col">{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A section with a heading and its list, or "none" when the list is empty. */
function ListSection({ ctx, title, count, children }: { ctx: PageCtx; title: string; count: number; children: ComponentChildren }): VNode {
  return (
    <section>
      <h2>{title}</h2>
      {count ? children : <p>{ctx.t('matching.page.none')}</p>}
    </section>
  );
}

/** A posted form: the CSRF token, the summary of `errors` when it is shown again, the fields, one submit button. */
function PostForm({ ctx, action, errors, submit, class: cls = 'stack', children }: { ctx: PageCtx; action: string; errors?: FormState; submit: string; class?: string; children: ComponentChildren }): VNode {
  return (
    <form method="post" action={action} class={cls}>
      <input type="hidden" name="_csrf" value={ctx.csrf} />
      <FormErrors ctx={ctx} form={errors} />
      {children}
      <button type="submit">{submit}</button>
    </form>
  );
}

export function SubNav({ ctx }: { ctx: PageCtx }): VNode {
  const links: Array<[string, string]> = [
    ['/matching', 'matching.page.home'],
    ['/matching/market', 'matching.page.market'],
    ['/matching/recommendations', 'matching.page.recommendations'],
    ['/matching/requests', 'matching.page.requests'],
    ['/matching/meetings', 'matching.page.meetings'],
    ['/matching/fairs', 'matching.page.fairs'],
    ...(isStaff(ctx)
      ? ([
          ['/matching/review', 'matching.page.review'],
          ['/matching/introduce', 'matching.page.introduce'],
          ['/matching/reports', 'matching.page.reports'],
          ['/matching/settings', 'matching.page.settings'],
        ] as Array<[string, string]>)
      : ([['/matching/mine', 'matching.page.mine']] as Array<[string, string]>)),
  ];
  return (
    <nav class="matching-subnav" aria-label={ctx.t('matching.page.subnav')}>
      <ul>
        {links.map(([href, key]) => (
          <li>
            <a href={href} aria-current={ctx.path === href ? 'page' : undefined}>
              {ctx.t(key)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function CardSummary({ ctx, card, href = true }: { ctx: PageCtx; card: CardView; href?: boolean }): VNode {
  const title = bi(card.title, ctx.lang);
  return (
    <article class="matching-card">
      <h3>{href ? <a href={`/matching/cards/${card.id}`}>{title}</a> : title}</h3>
      <p class="matching-card-meta">
        <span class="badge">{ctx.t(`matching.kind.${card.kind}`)}</span> {nameOf(card.company, ctx.lang)} ({card.company.country || '—'}) · {ctx.t(`matching.language.${card.language}`)}
        {card.jsic.length ? ` · ${card.jsic.map((j) => ctx.t(`matching.jsic.${j}`)).join(', ')}` : ''}
      </p>
      {bi(card.body, ctx.lang) && <p class="prewrap">{bi(card.body, ctx.lang).slice(0, 300)}</p>}
    </article>
  );
}

// ---- home ----

export function HomePage({ ctx, recs, incoming, meetings, fairs, queue, notice }: { ctx: PageCtx; recs: RecommendationView[]; incoming: RequestView[]; meetings: MeetingView[]; fairs: FairView[]; queue: number; notice: string | null }): VNode {
  return (
    <>
      <h1>{ctx.t('matching.page.homeTitle')}</h1>
      <SubNav ctx={ctx} />
      <Notice text={notice} />
      <p class="lead">{ctx.t('matching.page.homeLead')}</p>
      {isStaff(ctx) ? (
        <section>
          <h2>{ctx.t('matching.page.staffTasks')}</h2>
          <ul>
            <li>
              <a href="/matching/review">{ctx.t('matching.page.reviewWaiting', { n: queue })}</a>
            </li>
            <li>
              <a href="/matching/introduce">{ctx.t('matching.page.introduce')}</a>
            </li>
            <li>
              <a href="/matching/fairs/new">{ctx.t('matching.page.newFair')}</a>
            </li>
          </ul>
        </section>
      ) : (
        <>
          <section>
            <h2>{ctx.t('matching.page.recommendations')}</h2>
            {recs.length ? <RecommendationList ctx={ctx} recs={recs} /> : <p>{ctx.t('matching.page.noRecommendations')}</p>}
          </section>
          <ListSection ctx={ctx} title={ctx.t('matching.page.incomingPending', { n: incoming.length })} count={incoming.length}>
            <RequestTable ctx={ctx} rows={incoming} />
          </ListSection>
          <ListSection ctx={ctx} title={ctx.t('matching.page.upcoming')} count={meetings.length}>
            <MeetingTable ctx={ctx} rows={meetings} />
          </ListSection>
        </>
      )}
      <ListSection ctx={ctx} title={ctx.t('matching.page.fairs')} count={fairs.length}>
        <FairTable ctx={ctx} rows={fairs} />
      </ListSection>
    </>
  );
}

// ---- marketplace ----

export function MarketPage({ ctx, q, result, limit, offset }: { ctx: PageCtx; q: Record<string, string>; result: { total: number; items: CardView[] }; limit: number; offset: number }): VNode {
  const base = new URLSearchParams(Object.entries(q).filter(([k, v]) => v && k !== 'offset'));
  return (
    <>
      <h1>{ctx.t('matching.page.market')}</h1>
      <SubNav ctx={ctx} />
      <form method="get" action="/matching/market" class="filter-form matching-filters" role="search">
        <TextField ctx={ctx} name="q" label={ctx.t('matching.field.q')} hint={ctx.t('matching.field.qHint')} value={q.q} />
        <SelectField ctx={ctx} name="kind" label={ctx.t('matching.field.kind')} options={kindOptions(ctx)} placeholder={ctx.t('matching.page.any')} value={q.kind} />
        <SelectField ctx={ctx} name="jsic" label={ctx.t('matching.field.jsic')} options={jsicOptions(ctx)} placeholder={ctx.t('matching.page.any')} value={q.jsic} />
        <TextField ctx={ctx} name="country" label={ctx.t('matching.field.country')} hint={ctx.t('matching.field.countryHint')} value={q.country} />
        <SelectField ctx={ctx} name="language" label={ctx.t('matching.field.language')} options={(['ja', 'en', 'both'] as const).map((l) => ({ value: l, label: ctx.t(`matching.language.${l}`) }))} placeholder={ctx.t('matching.page.any')} value={q.language} />
        <SelectField ctx={ctx} name="region" label={ctx.t('matching.field.region')} options={regionOptions(ctx)} placeholder={ctx.t('matching.page.any')} value={q.region} />
        <button type="submit">{ctx.t('matching.page.search')}</button>
      </form>
      <p class="result-count" role="status">
        {ctx.t('matching.page.found', { n: formatNumber(result.total, ctx.lang) })}
      </p>
      {result.items.map((c) => (
        <CardSummary ctx={ctx} card={c} />
      ))}
      <Pager ctx={ctx} total={result.total} limit={limit} offset={offset} base={base} />
      {ctx.user?.role === 'member' && (
        <p>
          <a href="/matching/cards/new">{ctx.t('matching.page.newCard')}</a>
        </p>
      )}
    </>
  );
}

// ---- cards ----

export function CardPage({ ctx, card, own, form, reviewForm, notice }: { ctx: PageCtx; card: CardView; own: boolean; form?: FormState; reviewForm?: FormState; notice: string | null }): VNode {
  const lang = ctx.lang;
  return (
    <>
      <h1>{bi(card.title, lang)}</h1>
      <SubNav ctx={ctx} />
      <Notice text={notice} />
      <dl class="meta">
        <dt>{ctx.t('matching.field.kind')}</dt>
        <dd>{ctx.t(`matching.kind.${card.kind}`)}</dd>
        <dt>{ctx.t('matching.field.company')}</dt>
        <dd>
          {nameOf(card.company, lang)} ({card.company.country || '—'})
        </dd>
        <dt>{ctx.t('matching.field.language')}</dt>
        <dd>{ctx.t(`matching.language.${card.language}`)}</dd>
        <dt>{ctx.t('matching.field.jsic')}</dt>
        <dd>{card.jsic.map((j) => ctx.t(`matching.jsic.${j}`)).join(', ') || '—'}</dd>
        <dt>{ctx.t('matching.field.regions')}</dt>
        <dd>{card.regions.map((r) => ctx.t(`matching.region.${r}`)).join(', ') || ctx.t('matching.region.global')}</dd>
        <dt>{ctx.t('matching.field.tags')}</dt>
        <dd>{card.tags.join(', ') || '—'}</dd>
        <dt>{ctx.t('matching.field.status')}</dt>
        <dd>
          {ctx.t(`matching.status.${card.status}`)} · {ctx.t(`matching.review.${card.review}`)}
          {card.expired ? ` · ${ctx.t('matching.page.expired')}` : ''}
        </dd>
        <dt>{ctx.t('matching.field.expiresOn')}</dt>
        <dd>{date(ctx, card.expiresOn)}</dd>
        {card.reviewNote && (
          <>
            <dt>{ctx.t('matching.field.reviewNote')}</dt>
            <dd>{card.reviewNote}</dd>
          </>
        )}
      </dl>
      {card.title.ja && card.title.en && <p lang={lang === 'ja' ? 'en' : 'ja'}>{lang === 'ja' ? card.title.en : card.title.ja}</p>}
      {card.body.ja && (
        <section lang="ja">
          <h2>{ctx.t('matching.field.bodyJa')}</h2>
          <p class="prewrap">{card.body.ja}</p>
        </section>
      )}
      {card.body.en && (
        <section lang="en">
          <h2>{ctx.t('matching.field.bodyEn')}</h2>
          <p class="prewrap">{card.body.en}</p>
        </section>
      )}
      {own && (
        <section>
          <h2>{ctx.t('matching.page.manageCard')}</h2>
          <p>
            <a href={`/matching/cards/${card.id}/edit`}>{ctx.t('matching.page.edit')}</a>
          </p>
          <div class="matching-actions">
            {CARD_STATUSES.filter((s) => s !== card.status).map((s) => (
              <ActionForm ctx={ctx} action={`/matching/cards/${card.id}/status`} fields={{ status: s }} label={ctx.t(`matching.page.setStatus.${s}`)} secondary />
            ))}
            {card.status !== 'closed' && <ActionForm ctx={ctx} action={`/matching/cards/${card.id}/renew`} label={ctx.t('matching.page.renew')} />}
          </div>
        </section>
      )}
      {isStaff(ctx) && (
        <section>
          <h2>{ctx.t('matching.page.review')}</h2>
          <PostForm ctx={ctx} action={`/matching/cards/${card.id}/review`} errors={reviewForm} submit={ctx.t('matching.page.saveReview')}>
            <SelectField ctx={ctx} form={reviewForm} name="decision" label={ctx.t('matching.field.decision')} options={[{ value: 'approved', label: ctx.t('matching.page.approve') }, { value: 'rejected', label: ctx.t('matching.page.reject') }]} />
            <TextArea ctx={ctx} form={reviewForm} name="note" label={ctx.t('matching.field.reviewNote')} />
          </PostForm>
        </section>
      )}
      {!own && !isStaff(ctx) && card.public && (
        <section>
          <h2>{ctx.t('matching.page.requestMeeting')}</h2>
          <PostForm ctx={ctx} action={`/matching/cards/${card.id}/request`} errors={form} submit={ctx.t('matching.page.sendRequest')}>
            <TextArea ctx={ctx} form={form} name="message" label={ctx.t('matching.field.message')} hint={ctx.t('matching.field.messageHint')} required />
          </PostForm>
        </section>
      )}
    </>
  );
}

export function CardFormPage({ ctx, form, action, title, staffCompany }: { ctx: PageCtx; form: FormState; action: string; title: string; staffCompany: boolean }): VNode {
  const checked = (name: string) => (form.values[name] ?? '').split(',').filter(Boolean);
  return (
    <>
      <h1>{title}</h1>
      <SubNav ctx={ctx} />
      <FormErrors ctx={ctx} form={form} />
      <PostForm ctx={ctx} action={action} class="stack matching-form" submit={ctx.t('matching.page.save')}>
        {staffCompany && <TextField ctx={ctx} form={form} name="companyId" label={ctx.t('matching.field.companyId')} hint={ctx.t('matching.field.companyIdHint')} required />}
        <SelectField ctx={ctx} form={form} name="kind" label={ctx.t('matching.field.kind')} options={kindOptions(ctx)} required />
        <TextField ctx={ctx} form={form} name="titleJa" label={ctx.t('matching.field.titleJa')} />
        <TextField ctx={ctx} form={form} name="titleEn" label={ctx.t('matching.field.titleEn')} hint={ctx.t('matching.field.titleHint')} />
        <TextArea ctx={ctx} form={form} name="bodyJa" label={ctx.t('matching.field.bodyJa')} />
        <TextArea ctx={ctx} form={form} name="bodyEn" label={ctx.t('matching.field.bodyEn')} />
        <CheckboxGroup ctx={ctx} listClass={CHECK_COLUMNS} name="jsic" legend={ctx.t('matching.field.jsic')} options={jsicOptions(ctx)} checked={checked('jsic')} form={form.errors.length ? form : undefined} />
        <CheckboxGroup ctx={ctx} listClass={CHECK_COLUMNS} name="regions" legend={ctx.t('matching.field.regions')} options={regionOptions(ctx)} checked={checked('regions')} form={form.errors.length ? form : undefined} />
        <TextField ctx={ctx} form={form} name="tags" label={ctx.t('matching.field.tags')} hint={ctx.t('matching.field.tagsHint')} />
        <p class="field-hint">{ctx.t('matching.page.reviewNotice')}</p>
      </PostForm>
    </>
  );
}

export function MinePage({ ctx, profile, cards, notice }: { ctx: PageCtx; profile: ProfileView | null; cards: CardView[]; notice: string | null }): VNode {
  return (
    <>
      <h1>{ctx.t('matching.page.mine')}</h1>
      <SubNav ctx={ctx} />
      <Notice text={notice} />
      <section>
        <h2>{ctx.t('matching.page.profile')}</h2>
        {profile ? (
          <dl class="meta">
            <dt>{ctx.t('matching.field.summaryJa')}</dt>
            <dd class="prewrap">{profile.summary.ja ?? '—'}</dd>
            <dt>{ctx.t('matching.field.summaryEn')}</dt>
            <dd class="prewrap">{profile.summary.en ?? '—'}</dd>
            <dt>{ctx.t('matching.field.languages')}</dt>
            <dd>{profile.languages.map((l) => ctx.t(`matching.language.${l}`)).join(', ') || '—'}</dd>
            <dt>{ctx.t('matching.field.regions')}</dt>
            <dd>{profile.regions.map((r) => ctx.t(`matching.region.${r}`)).join(', ') || '—'}</dd>
          </dl>
        ) : (
          <p>{ctx.t('matching.page.noProfile')}</p>
        )}
        <p>
          <a href="/matching/profile">{ctx.t('matching.page.editProfile')}</a>
        </p>
      </section>
      <section>
        <h2>{ctx.t('matching.page.myCards')}</h2>
        <p>
          <a href="/matching/cards/new">{ctx.t('matching.page.newCard')}</a>
        </p>
        {cards.length ? (
          <ListTable caption={ctx.t('matching.page.myCards')} showCaption columns={['title', 'kind', 'status', 'review', 'expiresOn'].map((k) => ctx.t(`matching.field.${k}`))}>
            {cards.map((c) => (
              <tr>
                <td>
                  <a href={`/matching/cards/${c.id}`}>{bi(c.title, ctx.lang)}</a>
                </td>
                <td>{ctx.t(`matching.kind.${c.kind}`)}</td>
                <td>{ctx.t(`matching.status.${c.status}`)}</td>
                <td>{ctx.t(`matching.review.${c.review}`)}</td>
                <td>
                  {date(ctx, c.expiresOn)}
                  {c.expired ? ` (${ctx.t('matching.page.expired')})` : ''}
                </td>
              </tr>
            ))}
          </ListTable>
        ) : (
          <p>{ctx.t('matching.page.none')}</p>
        )}
      </section>
    </>
  );
}

export function ProfilePage({ ctx, form }: { ctx: PageCtx; form: FormState }): VNode {
  const checked = (name: string) => (form.values[name] ?? '').split(',').filter(Boolean);
  return (
    <>
      <h1>{ctx.t('matching.page.editProfile')}</h1>
      <SubNav ctx={ctx} />
      <FormErrors ctx={ctx} form={form} />
      <PostForm ctx={ctx} action="/matching/profile" class="stack matching-form" submit={ctx.t('matching.page.save')}>
        <TextArea ctx={ctx} form={form} name="summaryJa" label={ctx.t('matching.field.summaryJa')} />
        <TextArea ctx={ctx} form={form} name="summaryEn" label={ctx.t('matching.field.summaryEn')} />
        <CheckboxGroup ctx={ctx} listClass={CHECK_COLUMNS} name="languages" legend={ctx.t('matching.field.languages')} options={[{ value: 'ja', label: ctx.t('matching.language.ja') }, { value: 'en', label: ctx.t('matching.language.en') }]} checked={checked('languages')} />
        <CheckboxGroup ctx={ctx} listClass={CHECK_COLUMNS} name="regions" legend={ctx.t('matching.field.regions')} options={regionOptions(ctx)} checked={checked('regions')} />
      </PostForm>
    </>
  );
}

// ---- recommendations ----

function RecommendationList({ ctx, recs }: { ctx: PageCtx; recs: RecommendationView[] }): VNode {
  return (
    <ol class="matching-recs">
      {recs.map((r) => (
        <li>
          <CardSummary ctx={ctx} card={r.card} />
          <p class="matching-why">
            <strong>{ctx.t('matching.page.why')}</strong> {r.why}
          </p>
        </li>
      ))}
    </ol>
  );
}

export function RecommendationsPage({ ctx, recs }: { ctx: PageCtx; recs: RecommendationView[] }): VNode {
  return (
    <>
      <h1>{ctx.t('matching.page.recommendations')}</h1>
      <SubNav ctx={ctx} />
      <p class="lead">{ctx.t('matching.page.recommendationsLead')}</p>
      {recs.length ? <RecommendationList ctx={ctx} recs={recs} /> : <p>{ctx.t('matching.page.noRecommendations')}</p>}
    </>
  );
}

// ---- requests ----

function RequestTable({ ctx, rows }: { ctx: PageCtx; rows: RequestView[] }): VNode {
  return (
    <ListTable caption={ctx.t('matching.page.requests')} columns={['id', 'from', 'to', 'about', 'status', 'expiresAt'].map((k) => ctx.t(`matching.field.${k}`))}>
      {rows.map((r) => (
        <tr>
          <td>
            <a href={`/matching/requests/${r.id}`}>{r.id}</a>
          </td>
          <td>{nameOf(r.from, ctx.lang)}</td>
          <td>{nameOf(r.to, ctx.lang)}</td>
          <td>{r.card ? bi(r.card.title, ctx.lang) : r.fairId ? ctx.t('matching.channel.fair') : '—'}</td>
          <td>{ctx.t(`matching.rstatus.${r.status}`)}</td>
          <td>{dateTime(ctx, r.expiresAt)}</td>
        </tr>
      ))}
    </ListTable>
  );
}

export function RequestsPage({ ctx, incoming, outgoing, all }: { ctx: PageCtx; incoming: RequestView[]; outgoing: RequestView[]; all: RequestView[] | null }): VNode {
  return (
    <>
      <h1>{ctx.t('matching.page.requests')}</h1>
      <SubNav ctx={ctx} />
      {all ? (
        <ListSection ctx={ctx} title={ctx.t('matching.page.allRequests')} count={all.length}>
          <RequestTable ctx={ctx} rows={all} />
        </ListSection>
      ) : (
        <>
          <ListSection ctx={ctx} title={ctx.t('matching.page.incoming')} count={incoming.length}>
            <RequestTable ctx={ctx} rows={incoming} />
          </ListSection>
          <ListSection ctx={ctx} title={ctx.t('matching.page.outgoing')} count={outgoing.length}>
            <RequestTable ctx={ctx} rows={outgoing} />
          </ListSection>
        </>
      )}
    </>
  );
}

export function RequestPage({ ctx, r, canAnswer, canCancel, form, notice }: { ctx: PageCtx; r: RequestView; canAnswer: boolean; canCancel: boolean; form?: FormState; notice: string | null }): VNode {
  return (
    <>
      <h1>{ctx.t('matching.page.requestTitle', { id: r.id })}</h1>
      <SubNav ctx={ctx} />
      <Notice text={notice} />
      <dl class="meta">
        <dt>{ctx.t('matching.field.from')}</dt>
        <dd>{nameOf(r.from, ctx.lang)}</dd>
        <dt>{ctx.t('matching.field.to')}</dt>
        <dd>{nameOf(r.to, ctx.lang)}</dd>
        <dt>{ctx.t('matching.field.about')}</dt>
        <dd>{r.card ? <a href={`/matching/cards/${r.card.id}`}>{bi(r.card.title, ctx.lang)}</a> : r.fairId ? <a href={`/matching/fairs/${r.fairId}`}>{ctx.t('matching.channel.fair')}</a> : '—'}</dd>
        <dt>{ctx.t('matching.field.status')}</dt>
        <dd>{ctx.t(`matching.rstatus.${r.status}`)}</dd>
        <dt>{ctx.t('matching.field.expiresAt')}</dt>
        <dd>{dateTime(ctx, r.expiresAt)}</dd>
        <dt>{ctx.t('matching.field.message')}</dt>
        <dd class="prewrap">{r.message}</dd>
        {r.answerNote && (
          <>
            <dt>{ctx.t('matching.field.answerNote')}</dt>
            <dd class="prewrap">{r.answerNote}</dd>
          </>
        )}
        {r.meetingId && (
          <>
            <dt>{ctx.t('matching.field.meeting')}</dt>
            <dd>
              <a href={`/matching/meetings/${r.meetingId}`}>{ctx.t('matching.page.meetingTitle', { id: r.meetingId })}</a>
            </dd>
          </>
        )}
      </dl>
      {canAnswer && (
        <section>
          <h2>{ctx.t('matching.page.answer')}</h2>
          <PostForm ctx={ctx} action={`/matching/requests/${r.id}/answer`} errors={form} submit={ctx.t('matching.page.sendAnswer')}>
            <SelectField ctx={ctx} form={form} name="decision" label={ctx.t('matching.field.decision')} options={[{ value: 'accept', label: ctx.t('matching.page.accept') }, { value: 'decline', label: ctx.t('matching.page.decline') }]} />
            <TextField ctx={ctx} form={form} name="plannedOn" type="date" label={ctx.t('matching.field.plannedOn')} />
            <TextArea ctx={ctx} form={form} name="note" label={ctx.t('matching.field.answerNote')} />
          </PostForm>
        </section>
      )}
      {canCancel && <ActionForm ctx={ctx} action={`/matching/requests/${r.id}/cancel`} label={ctx.t('matching.page.withdraw')} secondary />}
    </>
  );
}

// ---- meetings ----

export function MeetingTable({ ctx, rows, exportBase }: { ctx: PageCtx; rows: MeetingView[]; exportBase?: string }): VNode {
  return (
    <>
      <ListTable caption={ctx.t('matching.page.meetings')} columns={['id', 'companies', 'channel', 'matchingKind', 'status', 'when', 'countsForPlan'].map((k) => ctx.t(`matching.field.${k}`))}>
        {rows.map((m) => (
          <tr>
            <td>
              <a href={`/matching/meetings/${m.id}`}>{m.id}</a>
            </td>
            <td>
              {nameOf(m.companies[0], ctx.lang)} × {nameOf(m.companies[1], ctx.lang)}
            </td>
            <td>{ctx.t(`matching.channel.${m.channel}`)}</td>
            <td>{ctx.t(`matching.mkind.${m.kind}`)}</td>
            <td>{ctx.t(`matching.mstatus.${m.status}`)}</td>
            <td>{m.heldOn ? date(ctx, m.heldOn) : m.slot ? dateTime(ctx, m.slot.startsAt) : date(ctx, m.plannedOn) || '—'}</td>
            <td>{m.countsForPlan ? ctx.t('matching.page.yes') : ctx.t('matching.page.no')}</td>
          </tr>
        ))}
      </ListTable>
      {exportBase && <ExportLinks ctx={ctx} base={exportBase} />}
    </>
  );
}

export function MeetingsPage({ ctx, rows }: { ctx: PageCtx; rows: MeetingView[] }): VNode {
  return (
    <>
      <h1>{ctx.t('matching.page.meetings')}</h1>
      <SubNav ctx={ctx} />
      {rows.length ? <MeetingTable ctx={ctx} rows={rows} exportBase="/matching/meetings/export" /> : <p>{ctx.t('matching.page.none')}</p>}
    </>
  );
}

export function MeetingPage({ ctx, m, forms, notice }: { ctx: PageCtx; m: MeetingView; forms: { held?: FormState; rating?: FormState; outcome?: FormState }; notice: string | null }): VNode {
  const staff = isStaff(ctx);
  const mine = staff ? null : ctx.user?.companyId ? Number(ctx.user.companyId) : null;
  const myRating = m.ratings.find((r) => r.companyId === mine);
  const myFollowup = m.followups.find((f) => f.companyId === mine);
  return (
    <>
      <h1>{ctx.t('matching.page.meetingTitle', { id: m.id })}</h1>
      <SubNav ctx={ctx} />
      <Notice text={notice} />
      <dl class="meta">
        <dt>{ctx.t('matching.field.companies')}</dt>
        <dd>
          {nameOf(m.companies[0], ctx.lang)} ({m.companies[0].country}) × {nameOf(m.companies[1], ctx.lang)} ({m.companies[1].country})
        </dd>
        <dt>{ctx.t('matching.field.channel')}</dt>
        <dd>{ctx.t(`matching.channel.${m.channel}`)}</dd>
        <dt>{ctx.t('matching.field.matchingKind')}</dt>
        <dd>{ctx.t(`matching.mkind.${m.kind}`)}</dd>
        <dt>{ctx.t('matching.field.status')}</dt>
        <dd>{ctx.t(`matching.mstatus.${m.status}`)}</dd>
        {m.card && (
          <>
            <dt>{ctx.t('matching.field.about')}</dt>
            <dd>
              <a href={`/matching/cards/${m.card.id}`}>{bi(m.card.title, ctx.lang)}</a>
            </dd>
          </>
        )}
        {m.slot && (
          <>
            <dt>{ctx.t('matching.field.slot')}</dt>
            <dd>
              {dateTime(ctx, m.slot.startsAt)}–{time(m.slot.endsAt)} · {ctx.t('matching.field.table')} {m.table?.name ?? '—'}
            </dd>
          </>
        )}
        {m.plannedOn && (
          <>
            <dt>{ctx.t('matching.field.plannedOn')}</dt>
            <dd>{date(ctx, m.plannedOn)}</dd>
          </>
        )}
        {m.heldOn && (
          <>
            <dt>{ctx.t('matching.field.heldOn')}</dt>
            <dd>
              {date(ctx, m.heldOn)} ({formatFiscalYear(m.heldFiscalYear!, ctx.lang)})
            </dd>
          </>
        )}
        <dt>{ctx.t('matching.field.countsForPlan')}</dt>
        <dd>{m.countsForPlan ? ctx.t('matching.page.countsYes') : ctx.t('matching.page.countsNo')}</dd>
      </dl>
      {m.status === 'planned' && (
        <section>
          <h2>{ctx.t('matching.page.recordHeld')}</h2>
          <PostForm ctx={ctx} action={`/matching/meetings/${m.id}/held`} errors={forms.held} submit={ctx.t('matching.page.markHeld')}>
            <input type="hidden" name="held" value="1" />
            <TextField ctx={ctx} form={forms.held} name="heldOn" type="date" label={ctx.t('matching.field.heldOn')} />
          </PostForm>
          <div class="matching-actions">
            <ActionForm ctx={ctx} action={`/matching/meetings/${m.id}/held`} fields={{ held: '0' }} label={ctx.t('matching.page.markNotHeld')} secondary />
            <ActionForm ctx={ctx} action={`/matching/meetings/${m.id}/cancel`} label={ctx.t('matching.page.cancelMeeting')} secondary />
          </div>
        </section>
      )}
      {m.status === 'held' && (
        <>
          <section>
            <h2>{ctx.t('matching.page.ratings')}</h2>
            {m.ratings.length ? (
              <ul>
                {m.ratings.map((r) => (
                  <li>
                    {nameOf(m.companies.find((c) => c.id === r.companyId) ?? m.companies[0], ctx.lang)}: {ctx.t('matching.page.stars', { n: r.score })}
                    {r.comment ? ` — ${r.comment}` : ''}
                  </li>
                ))}
              </ul>
            ) : (
              <p>{ctx.t('matching.page.none')}</p>
            )}
            {!staff && (
              <PostForm ctx={ctx} action={`/matching/meetings/${m.id}/rating`} errors={forms.rating} submit={ctx.t('matching.page.rate')}>
                <SelectField ctx={ctx} form={forms.rating} name="score" label={ctx.t('matching.field.score')} options={[5, 4, 3, 2, 1].map((n) => ({ value: String(n), label: ctx.t('matching.page.stars', { n }) }))} value={myRating ? String(myRating.score) : undefined} />
                <TextArea ctx={ctx} form={forms.rating} name="comment" label={ctx.t('matching.field.comment')} value={myRating?.comment ?? undefined} />
              </PostForm>
            )}
          </section>
          <section>
            <h2>{ctx.t('matching.page.outcomes')}</h2>
            {m.followups.length ? (
              <ul>
                {m.followups.map((f) => (
                  <li>
                    {nameOf(m.companies.find((c) => c.id === f.companyId) ?? m.companies[0], ctx.lang)}: {f.outcome ? ctx.t(`matching.outcome.${f.outcome}`) : ctx.t('matching.page.followupDue', { date: date(ctx, f.dueOn) })}
                    {f.note ? ` — ${f.note}` : ''}
                  </li>
                ))}
              </ul>
            ) : (
              <p>{ctx.t('matching.page.none')}</p>
            )}
            {!staff && (
              <PostForm ctx={ctx} action={`/matching/meetings/${m.id}/outcome`} errors={forms.outcome} submit={ctx.t('matching.page.saveOutcome')}>
                <SelectField ctx={ctx} form={forms.outcome} name="outcome" label={ctx.t('matching.field.outcome')} options={OUTCOMES.map((o) => ({ value: o, label: ctx.t(`matching.outcome.${o}`) }))} value={myFollowup?.outcome ?? undefined} />
                <TextArea ctx={ctx} form={forms.outcome} name="note" label={ctx.t('matching.field.note')} value={myFollowup?.note ?? undefined} />
              </PostForm>
            )}
          </section>
        </>
      )}
    </>
  );
}

// ---- staff: review and introductions ----

export function ReviewPage({ ctx, cards, notice }: { ctx: PageCtx; cards: CardView[]; notice: string | null }): VNode {
  return (
    <>
      <h1>{ctx.t('matching.page.review')}</h1>
      <SubNav ctx={ctx} />
      <Notice text={notice} />
      {cards.length ? (
        cards.map((c) => (
          <div class="matching-review-item">
            <CardSummary ctx={ctx} card={c} />
            <div class="matching-actions">
              <ActionForm ctx={ctx} action={`/matching/cards/${c.id}/review`} fields={{ decision: 'approved', back: '/matching/review' }} label={ctx.t('matching.page.approve')} />
              <a href={`/matching/cards/${c.id}#f-note`}>{ctx.t('matching.page.rejectWithNote')}</a>
            </div>
          </div>
        ))
      ) : (
        <p>{ctx.t('matching.page.reviewEmpty')}</p>
      )}
    </>
  );
}

export function IntroducePage({ ctx, form }: { ctx: PageCtx; form: FormState }): VNode {
  return (
    <>
      <h1>{ctx.t('matching.page.introduce')}</h1>
      <SubNav ctx={ctx} />
      <p class="lead">{ctx.t('matching.page.introduceLead')}</p>
      <FormErrors ctx={ctx} form={form} />
      <PostForm ctx={ctx} action="/matching/introductions" class="stack matching-form" submit={ctx.t('matching.page.saveIntroduction')}>
        <TextField ctx={ctx} form={form} name="companyA" label={ctx.t('matching.field.companyA')} hint={ctx.t('matching.field.companyIdHint')} required />
        <TextField ctx={ctx} form={form} name="companyB" label={ctx.t('matching.field.companyB')} hint={ctx.t('matching.field.companyIdHint')} required />
        <SelectField ctx={ctx} form={form} name="kind" label={ctx.t('matching.field.matchingKind')} options={mkindOptions(ctx)} />
        <TextField ctx={ctx} form={form} name="plannedOn" type="date" label={ctx.t('matching.field.plannedOn')} />
        <TextArea ctx={ctx} form={form} name="note" label={ctx.t('matching.field.note')} />
        <SelectField ctx={ctx} form={form} name="arrangedByCity" label={ctx.t('matching.field.arrangedBy')} options={[{ value: '1', label: ctx.t('matching.channel.staff') }, { value: '0', label: ctx.t('matching.channel.other') }]} />
      </PostForm>
    </>
  );
}

// ---- fairs ----

function FairTable({ ctx, rows }: { ctx: PageCtx; rows: FairView[] }): VNode {
  return (
    <ListTable caption={ctx.t('matching.page.fairs')} columns={['fairName', 'dates', 'status', 'participants', 'meetingsPlaced'].map((k) => ctx.t(`matching.field.${k}`))}>
      {rows.map((f) => (
        <tr>
          <td>
            <a href={`/matching/fairs/${f.id}`}>{f.name[ctx.lang]}</a>
          </td>
          <td>
            {date(ctx, f.startsOn)}
            {f.endsOn !== f.startsOn ? ` – ${date(ctx, f.endsOn)}` : ''}
          </td>
          <td>{ctx.t(`matching.fstatus.${f.status}`)}</td>
          <td>{f.counts.participants}</td>
          <td>
            {f.counts.placed} / {f.counts.meetings}
          </td>
        </tr>
      ))}
    </ListTable>
  );
}

export function FairsPage({ ctx, rows }: { ctx: PageCtx; rows: FairView[] }): VNode {
  return (
    <>
      <h1>{ctx.t('matching.page.fairs')}</h1>
      <SubNav ctx={ctx} />
      {isStaff(ctx) && (
        <p>
          <a href="/matching/fairs/new">{ctx.t('matching.page.newFair')}</a>
        </p>
      )}
      {rows.length ? <FairTable ctx={ctx} rows={rows} /> : <p>{ctx.t('matching.page.none')}</p>}
    </>
  );
}

export const SESSION_ROWS = 3;

export function FairFormPage({ ctx, form }: { ctx: PageCtx; form: FormState }): VNode {
  return (
    <>
      <h1>{ctx.t('matching.page.newFair')}</h1>
      <SubNav ctx={ctx} />
      <FormErrors ctx={ctx} form={form} />
      <PostForm ctx={ctx} action="/matching/fairs" class="stack matching-form" submit={ctx.t('matching.page.createFair')}>
        <TextField ctx={ctx} form={form} name="nameJa" label={ctx.t('matching.field.fairNameJa')} required />
        <TextField ctx={ctx} form={form} name="nameEn" label={ctx.t('matching.field.fairNameEn')} required />
        <SelectField ctx={ctx} form={form} name="kind" label={ctx.t('matching.field.matchingKind')} options={mkindOptions(ctx)} />
        <TextField ctx={ctx} form={form} name="venueJa" label={ctx.t('matching.field.venueJa')} />
        <TextField ctx={ctx} form={form} name="venueEn" label={ctx.t('matching.field.venueEn')} />
        <TextField ctx={ctx} form={form} name="requestDeadline" type="datetime-local" label={ctx.t('matching.field.requestDeadline')} hint={ctx.t('matching.field.tokyoTime')} required />
        <TextField ctx={ctx} form={form} name="maxMeetings" type="number" min={1} max={96} label={ctx.t('matching.field.maxMeetings')} />
        {Array.from({ length: SESSION_ROWS }, (_, i) => (
          <fieldset class="matching-session">
            <legend>{ctx.t('matching.fair.sessionName', { n: i + 1 })}</legend>
            <TextField ctx={ctx} form={form} name={`sessions.${i}.date`} type="date" label={ctx.t('matching.field.date')} required={i === 0} />
            <TextField ctx={ctx} form={form} name={`sessions.${i}.start`} type="time" label={ctx.t('matching.field.start')} />
            <TextField ctx={ctx} form={form} name={`sessions.${i}.end`} type="time" label={ctx.t('matching.field.end')} />
            <TextField ctx={ctx} form={form} name={`sessions.${i}.slotMinutes`} type="number" min={5} max={240} label={ctx.t('matching.field.slotMinutes')} />
            <TextField ctx={ctx} form={form} name={`sessions.${i}.breakMinutes`} type="number" min={0} max={120} label={ctx.t('matching.field.breakMinutes')} />
          </fieldset>
        ))}
        <TextArea ctx={ctx} form={form} name="tables" label={ctx.t('matching.field.tables')} hint={ctx.t('matching.field.tablesHint')} required />
        <SelectField ctx={ctx} form={form} name="status" label={ctx.t('matching.field.status')} options={(['draft', 'open'] as const).map((s) => ({ value: s, label: ctx.t(`matching.fstatus.${s}`) }))} />
      </PostForm>
    </>
  );
}

export function FairPage({ ctx, fair, unavailable, forms, notice, myCompany }: { ctx: PageCtx; fair: FairView; unavailable: number[]; forms: { request?: FormState; participant?: FormState; rules?: FormState; status?: FormState }; notice: string | null; myCompany: number | null }): VNode {
  const staff = isStaff(ctx);
  // Only participants the fair's rules let this company meet are offered.
  const myGroup = fair.participants.find((p) => p.company.id === myCompany)?.group;
  const mayMeet = (g: string) => !fair.rules.length || fair.rules.some((r) => (r.a === myGroup && r.b === g) || (r.b === myGroup && r.a === g));
  const others = fair.participants.filter((p) => p.company.id !== myCompany && mayMeet(p.group));
  return (
    <>
      <h1>{fair.name[ctx.lang]}</h1>
      <SubNav ctx={ctx} />
      <Notice text={notice} />
      <dl class="meta">
        <dt>{ctx.t('matching.field.matchingKind')}</dt>
        <dd>{ctx.t(`matching.mkind.${fair.kind}`)}</dd>
        <dt>{ctx.t('matching.field.dates')}</dt>
        <dd>
          {date(ctx, fair.startsOn)}
          {fair.endsOn !== fair.startsOn ? ` – ${date(ctx, fair.endsOn)}` : ''}
        </dd>
        <dt>{ctx.t('matching.field.venue')}</dt>
        <dd>{bi(fair.venue, ctx.lang) || '—'}</dd>
        <dt>{ctx.t('matching.field.status')}</dt>
        <dd>{ctx.t(`matching.fstatus.${fair.status}`)}</dd>
        <dt>{ctx.t('matching.field.requestDeadline')}</dt>
        <dd>
          {dateTime(ctx, fair.requestDeadline)} {fair.requestsOpen ? '' : `(${ctx.t('matching.page.requestsClosed')})`}
        </dd>
        <dt>{ctx.t('matching.field.maxMeetings')}</dt>
        <dd>{fair.maxMeetings ?? '—'}</dd>
        <dt>{ctx.t('matching.field.tables')}</dt>
        <dd>{fair.tables.length}</dd>
        <dt>{ctx.t('matching.field.meetingsPlaced')}</dt>
        <dd>
          {fair.counts.placed} / {fair.counts.meetings}
        </dd>
      </dl>
      <p class="matching-actions">
        {myCompany !== null && (
          <>
            <a href={`/matching/fairs/${fair.id}/agenda`}>{ctx.t('matching.page.agenda')}</a>
            <a href={`/api/v1/matching/fairs/${fair.id}/agenda.ics`}>{ctx.t('matching.page.ics')}</a>
          </>
        )}
        {staff && (
          <>
            <a href={`/matching/fairs/${fair.id}/schedule`}>{ctx.t('matching.page.schedule')}</a>
            <a href={`/matching/fairs/${fair.id}/report`}>{ctx.t('matching.page.fairReport')}</a>
          </>
        )}
      </p>
      <section>
        <h2>{ctx.t('matching.page.slots')}</h2>
        {fair.sessions.map((s) => (
          <p>
            <strong>{s.name[ctx.lang]}</strong> ({date(ctx, s.date)}): {s.slots.map((x) => `${time(x.startsAt)}–${time(x.endsAt)}`).join(', ')}
          </p>
        ))}
      </section>
      {myCompany !== null && (
        <>
          <section>
            <h2>{ctx.t('matching.page.availability')}</h2>
            <PostForm ctx={ctx} action={`/matching/fairs/${fair.id}/availability`} submit={ctx.t('matching.page.save')}>
              <CheckboxGroup
                ctx={ctx}
                listClass={CHECK_COLUMNS}
                name="unavailable"
                legend={ctx.t('matching.page.unavailableLegend')}
                options={fair.sessions.flatMap((s) => s.slots.map((x) => ({ value: String(x.id), label: `${date(ctx, s.date)} ${time(x.startsAt)}–${time(x.endsAt)}` })))}
                checked={unavailable.map(String)}
              />
            </PostForm>
          </section>
          {fair.requestsOpen && (
            <section>
              <h2>{ctx.t('matching.page.requestMeeting')}</h2>
              <PostForm ctx={ctx} action={`/matching/fairs/${fair.id}/requests`} errors={forms.request} submit={ctx.t('matching.page.sendRequest')}>
                <SelectField ctx={ctx} form={forms.request} name="toCompanyId" label={ctx.t('matching.field.to')} options={others.map((p) => ({ value: String(p.company.id), label: `${nameOf(p.company, ctx.lang)} (${p.group})` }))} required />
                <TextArea ctx={ctx} form={forms.request} name="message" label={ctx.t('matching.field.message')} required />
              </PostForm>
            </section>
          )}
        </>
      )}
      <section>
        <h2>{ctx.t('matching.field.participants')}</h2>
        <ListTable caption={ctx.t('matching.field.participants')} columns={[...['company', 'country', 'group'].map((k) => ctx.t(`matching.field.${k}`)), ...(staff ? [ctx.t('matching.page.agenda')] : [])]}>
          {fair.participants.map((p) => (
            <tr>
              <td>{nameOf(p.company, ctx.lang)}</td>
              <td>{p.company.country}</td>
              <td>{p.group}</td>
              {staff && (
                <td>
                  <a href={`/matching/fairs/${fair.id}/agenda?companyId=${p.company.id}`}>{ctx.t('matching.page.agenda')}</a>
                </td>
              )}
            </tr>
          ))}
        </ListTable>
        <p>{fair.rules.length ? ctx.t('matching.page.rulesAre', { rules: fair.rules.map((r) => `${r.a} ↔ ${r.b}`).join(', ') }) : ctx.t('matching.page.noRules')}</p>
      </section>
      {staff && (
        <section>
          <h2>{ctx.t('matching.page.manageFair')}</h2>
          <PostForm ctx={ctx} action={`/matching/fairs/${fair.id}/participants`} errors={forms.participant} submit={ctx.t('matching.page.addParticipant')}>
            <TextField ctx={ctx} form={forms.participant} name="companyId" label={ctx.t('matching.field.companyId')} hint={ctx.t('matching.field.companyIdHint')} required />
            <TextField ctx={ctx} form={forms.participant} name="group" label={ctx.t('matching.field.group')} hint={ctx.t('matching.field.groupHint')} />
          </PostForm>
          <PostForm ctx={ctx} action={`/matching/fairs/${fair.id}/rules`} errors={forms.rules} submit={ctx.t('matching.page.saveRules')}>
            <TextArea ctx={ctx} form={forms.rules} name="rules" label={ctx.t('matching.field.rules')} hint={ctx.t('matching.field.rulesHint')} value={fair.rules.map((r) => `${r.a}, ${r.b}`).join('\n')} />
          </PostForm>
          <div class="matching-actions">
            {(['draft', 'open', 'closed'] as const)
              .filter((s) => s !== fair.status)
              .map((s) => (
                <ActionForm ctx={ctx} action={`/matching/fairs/${fair.id}/status`} fields={{ status: s }} label={ctx.t(`matching.page.fairStatus.${s}`)} secondary />
              ))}
          </div>
        </section>
      )}
    </>
  );
}

export function UnplacedList({ ctx, rows, fair }: { ctx: PageCtx; rows: Array<UnplacedView & { why: string }>; fair?: FairView }): VNode {
  return (
    <ul class="matching-unplaced">
      {rows.map((u) => (
        <li>
          <a href={`/matching/meetings/${u.meeting.id}`}>{ctx.t('matching.page.meetingTitle', { id: u.meeting.id })}</a>: {nameOf(u.meeting.companies[0], ctx.lang)} × {nameOf(u.meeting.companies[1], ctx.lang)} — {u.why}
          {fair && <MoveForm ctx={ctx} fair={fair} meetingId={u.meeting.id} />}
        </li>
      ))}
    </ul>
  );
}

function MoveForm({ ctx, fair, meetingId, form }: { ctx: PageCtx; fair: FairView; meetingId: number; form?: FormState }): VNode {
  const slots = fair.sessions.flatMap((s) => s.slots.map((x) => [String(x.id), `${date(ctx, s.date)} ${time(x.startsAt)}`] as [string, string]));
  return (
    <form method="post" action={`/matching/meetings/${meetingId}/place`} class="matching-move">
      <input type="hidden" name="_csrf" value={ctx.csrf} />
      <label for={`move-slot-${meetingId}`}>{ctx.t('matching.field.slot')}</label>
      <select id={`move-slot-${meetingId}`} name="slotId">
        {slots.map(([v, l]) => (
          <option value={v} selected={form?.values.slotId === v}>
            {l}
          </option>
        ))}
      </select>
      <label for={`move-table-${meetingId}`}>{ctx.t('matching.field.table')}</label>
      <select id={`move-table-${meetingId}`} name="tableId">
        {fair.tables.map((t) => (
          <option value={String(t.id)} selected={form?.values.tableId === String(t.id)}>
            {t.name}
          </option>
        ))}
      </select>
      <button type="submit" class="small-button">
        {ctx.t('matching.page.move')}
      </button>
    </form>
  );
}

export function SchedulePage({ ctx, fair, meetings, unplaced, result, clash, notice, now }: { ctx: PageCtx; fair: FairView; meetings: MeetingView[]; unplaced: Array<UnplacedView & { why: string }>; result: Pick<ScheduleView, 'placed' | 'gaps' | 'changed'> & { unplaced: number } | null; clash: { meetingId: number; messages: string[] } | null; notice: string | null; now: number }): VNode {
  const bySlot = new Map<number, MeetingView[]>();
  for (const m of meetings) if (m.slot) bySlot.set(m.slot.id, [...(bySlot.get(m.slot.id) ?? []), m]);
  return (
    <>
      <h1>{ctx.t('matching.page.scheduleTitle', { fair: fair.name[ctx.lang] })}</h1>
      <SubNav ctx={ctx} />
      <Notice text={notice} />
      {clash && (
        <div class="error-summary" role="alert" tabIndex={-1}>
          <h2>{ctx.t('matching.page.clashTitle', { id: clash.meetingId })}</h2>
          <ul>
            {clash.messages.map((m) => (
              <li>{m}</li>
            ))}
          </ul>
        </div>
      )}
      {result && <p role="status">{ctx.t('matching.page.scheduleResult', { placed: result.placed, unplaced: result.unplaced, gaps: result.gaps, changed: result.changed })}</p>}
      <form method="post" action={`/matching/fairs/${fair.id}/schedule`} class="inline-form">
        <input type="hidden" name="_csrf" value={ctx.csrf} />
        <button type="submit">{ctx.t('matching.page.runScheduler')}</button>
      </form>
      <p class="field-hint">{ctx.t('matching.page.schedulerHint')}</p>
      <ExportLinks ctx={ctx} base={`/matching/fairs/${fair.id}/schedule/export`} />
      <ListSection ctx={ctx} title={ctx.t('matching.page.unplaced', { n: unplaced.length })} count={unplaced.length}>
        <UnplacedList ctx={ctx} rows={unplaced} fair={fair} />
      </ListSection>
      {fair.sessions.flatMap((s) =>
        s.slots.map((slot) => {
          const rows = (bySlot.get(slot.id) ?? []).sort((x, y) => (x.table?.name ?? '').localeCompare(y.table?.name ?? '', undefined, { numeric: true }));
          return (
            <section class="matching-slot">
              <h2>
                {date(ctx, s.date)} {time(slot.startsAt)}–{time(slot.endsAt)} ({rows.length}/{fair.tables.length})
              </h2>
              {rows.length ? (
                <ListTable caption={`${date(ctx, s.date)} ${time(slot.startsAt)}`} columns={[ctx.t('matching.field.table'), ctx.t('matching.field.companies'), ctx.t('matching.field.locked'), ctx.t('matching.page.actions')]}>
                  {rows.map((m) => (
                    <tr>
                      <td>{m.table?.name}</td>
                      <td>
                        <a href={`/matching/meetings/${m.id}`}>{m.id}</a> {nameOf(m.companies[0], ctx.lang)} × {nameOf(m.companies[1], ctx.lang)} · {ctx.t(`matching.mstatus.${m.status}`)}
                      </td>
                      <td>{m.locked ? ctx.t('matching.page.yes') : ctx.t('matching.page.no')}</td>
                      <td>
                        <ActionForm ctx={ctx} action={`/matching/meetings/${m.id}/lock`} fields={{ locked: m.locked ? '0' : '1' }} label={m.locked ? ctx.t('matching.page.unlock') : ctx.t('matching.page.lock')} secondary />
                        <MoveForm ctx={ctx} fair={fair} meetingId={m.id} />
                        {m.status === 'planned' && Date.parse(slot.startsAt) <= now && (
                          <>
                            <ActionForm ctx={ctx} action={`/matching/meetings/${m.id}/attendance`} fields={{ a: '1', b: '1' }} label={ctx.t('matching.page.bothCame')} />
                            <ActionForm ctx={ctx} action={`/matching/meetings/${m.id}/attendance`} fields={{ a: '1', b: '0' }} label={ctx.t('matching.page.onlyCame', { name: nameOf(m.companies[0], ctx.lang) })} secondary />
                            <ActionForm ctx={ctx} action={`/matching/meetings/${m.id}/attendance`} fields={{ a: '0', b: '1' }} label={ctx.t('matching.page.onlyCame', { name: nameOf(m.companies[1], ctx.lang) })} secondary />
                          </>
                        )}
                      </td>
                    </tr>
                  ))}
                </ListTable>
              ) : (
                <p>{ctx.t('matching.page.none')}</p>
              )}
            </section>
          );
        }),
      )}
    </>
  );
}

export function AgendaPage({ ctx, agenda, print, unplaced }: { ctx: PageCtx; agenda: AgendaView; print: boolean; unplaced: Array<UnplacedView & { why: string }> }): VNode {
  const me = agenda.company.id;
  const q = isStaff(ctx) ? `?companyId=${me}` : '';
  return (
    <>
      <h1>{ctx.t('matching.page.agendaTitle', { fair: agenda.fair.name[ctx.lang], company: nameOf(agenda.company, ctx.lang) })}</h1>
      {!print && <SubNav ctx={ctx} />}
      {!print && (
        <p class="matching-actions">
          <a href={`/matching/fairs/${agenda.fair.id}/agenda/print${q}`}>{ctx.t('matching.page.printable')}</a>
          <a href={`/api/v1/matching/fairs/${agenda.fair.id}/agenda.ics${q}`}>{ctx.t('matching.page.ics')}</a>
        </p>
      )}
      <p>
        {bi(agenda.fair.venue, ctx.lang)} · {date(ctx, agenda.fair.startsOn)}
      </p>
      {agenda.meetings.length ? (
        <table class="matching-agenda">
          <caption>{ctx.t('matching.page.agenda')}</caption>
          <thead>
            <tr>
              <th scope="col">{ctx.t('matching.field.when')}</th>
              <th scope="col">{ctx.t('matching.field.table')}</th>
              <th scope="col">{ctx.t('matching.field.with')}</th>
              <th scope="col">{ctx.t('matching.field.status')}</th>
            </tr>
          </thead>
          <tbody>
            {agenda.meetings.map((m) => {
              const other = m.companies[0].id === me ? m.companies[1] : m.companies[0];
              return (
                <tr>
                  <td>
                    {date(ctx, m.slot!.startsAt)} {time(m.slot!.startsAt)}–{time(m.slot!.endsAt)}
                  </td>
                  <td>{m.table?.name}</td>
                  <td>
                    {nameOf(other, ctx.lang)} ({other.country})
                  </td>
                  <td>{ctx.t(`matching.mstatus.${m.status}`)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <p>{ctx.t('matching.page.agendaEmpty')}</p>
      )}
      {unplaced.length > 0 && (
        <section>
          <h2>{ctx.t('matching.page.unplaced', { n: unplaced.length })}</h2>
          <UnplacedList ctx={ctx} rows={unplaced} />
        </section>
      )}
    </>
  );
}

// ---- reports ----

function Bars({ ctx, caption, rows }: { ctx: PageCtx; caption: string; rows: Array<[string, number]> }): VNode {
  const max = Math.max(1, ...rows.map((r) => r[1]));
  const h = 22;
  return (
    <figure class="chart matching-bars">
      <svg role="img" aria-label={caption} viewBox={`0 0 400 ${rows.length * h + 4}`} width="100%" height={rows.length * h + 4}>
        {rows.map(([label, n], i) => (
          <g>
            <rect x="180" y={i * h + 4} width={(n / max) * 200} height={h - 8} class="matching-bar" />
            <text x="176" y={i * h + h / 2 + 4} text-anchor="end" class="matching-bar-label">
              {label}
            </text>
            <text x={184 + (n / max) * 200} y={i * h + h / 2 + 4} class="matching-bar-value">
              {n}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>{caption}</figcaption>
      <table>
        <caption class="visually-hidden">{caption}</caption>
        <tbody>
          {rows.map(([label, n]) => (
            <tr>
              <th scope="row">{label}</th>
              <td>{formatNumber(n, ctx.lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export function reportRows(ctx: PageCtx, r: OutcomeReport): Array<[string, string, number | string]> {
  const out: Array<[string, string, number | string]> = [];
  const sec = (k: string) => ctx.t(`matching.report.${k}`);
  out.push([sec('totals'), ctx.t('matching.report.meetings'), r.meetings], [sec('totals'), ctx.t('matching.report.held'), r.held], [sec('totals'), ctx.t('matching.report.notHeld'), r.notHeld], [sec('totals'), ctx.t('matching.report.cancelled'), r.cancelled]);
  out.push([sec('totals'), ctx.t('matching.report.attendanceRate'), r.attendanceRate === null ? '—' : `${Math.round(r.attendanceRate * 1000) / 10}%`], [sec('totals'), ctx.t('matching.report.countsForPlan'), r.countsForPlan]);
  for (const k of MATCHING_KINDS) out.push([sec('byKind'), ctx.t(`matching.mkind.${k}`), r.byKind[k] ?? 0]);
  for (const c of r.byCountry) out.push([sec('byCountry'), c.country, c.meetings]);
  out.push([sec('satisfaction'), ctx.t('matching.report.ratings'), r.satisfaction.ratings], [sec('satisfaction'), ctx.t('matching.report.average'), r.satisfaction.average ?? '—']);
  r.satisfaction.distribution.forEach((n, i) => out.push([sec('satisfaction'), ctx.t('matching.page.stars', { n: i + 1 }), n]));
  for (const o of OUTCOMES) out.push([sec('outcomes'), ctx.t(`matching.outcome.${o}`), r.outcomes.byOutcome[o] ?? 0]);
  out.push([sec('outcomes'), ctx.t('matching.report.awaiting'), r.outcomes.awaiting]);
  return out;
}

export function ReportPage({ ctx, title, report, exportBase, extra }: { ctx: PageCtx; title: string; report: OutcomeReport; exportBase: string; extra?: Array<[string, number]> }): VNode {
  const rows = reportRows(ctx, report);
  const sections = [...new Set(rows.map((r) => r[0]))];
  return (
    <>
      <h1>{title}</h1>
      <SubNav ctx={ctx} />
      {extra && (
        <dl class="meta">
          {extra.map(([k, v]) => (
            <>
              <dt>{k}</dt>
              <dd>{formatNumber(v, ctx.lang)}</dd>
            </>
          ))}
        </dl>
      )}
      <Bars ctx={ctx} caption={ctx.t('matching.report.byKind')} rows={MATCHING_KINDS.map((k) => [ctx.t(`matching.mkind.${k}`), report.byKind[k] ?? 0])} />
      {sections.map((s) => (
        <section>
          <h2>{s}</h2>
          <table>
            <caption class="visually-hidden">{s}</caption>
            <tbody>
              {rows
                .filter((r) => r[0] === s)
                .map((r) => (
                  <tr>
                    <th scope="row">{r[1]}</th>
                    <td>{typeof r[2] === 'number' ? formatNumber(r[2], ctx.lang) : r[2]}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </section>
      ))}
      <ExportLinks ctx={ctx} base={exportBase} />
    </>
  );
}

export function SettingsPage({ ctx, form, notice }: { ctx: PageCtx; form: FormState; notice: string | null }): VNode {
  return (
    <>
      <h1>{ctx.t('matching.page.settings')}</h1>
      <SubNav ctx={ctx} />
      <Notice text={notice} />
      <FormErrors ctx={ctx} form={form} />
      <PostForm ctx={ctx} action="/matching/settings" submit={ctx.t('matching.page.save')}>
        <TextField ctx={ctx} form={form} name="requestExpiryDays" type="number" min={1} max={90} label={ctx.t('matching.field.requestExpiryDays')} />
        <TextField ctx={ctx} form={form} name="followUpMonths" type="number" min={1} max={24} label={ctx.t('matching.field.followUpMonths')} />
        <TextField ctx={ctx} form={form} name="cardLifetimeDays" type="number" min={7} max={730} label={ctx.t('matching.field.cardLifetimeDays')} />
      </PostForm>
    </>
  );
}

export const settingsForm = (s: MatchingSettings): FormState => ({ values: { requestExpiryDays: String(s.requestExpiryDays), followUpMonths: String(s.followUpMonths), cardLifetimeDays: String(s.cardLifetimeDays) }, errors: [] });
