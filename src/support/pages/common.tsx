import type { VNode } from 'preact';
import { formatDate, formatDateTime, type Translator } from '../../core/i18n/index.js';
import type { PageCtx } from '../../core/http/render.js';
import { PROGRESS, type Status } from '../rules.js';

/** Support marks required fields in its own, quieter style (kabuto.css `.support-required`). */
export const REQUIRED = 'support-required';

export function StatusBadge({ t, status }: { t: Translator; status: string }): VNode {
  return <span class={`status support-status support-status-${status}`}>{t(`support.status.${status}`)}</span>;
}

/** The steps of a case, the current one marked; closed cases show every step done. */
export function Progress({ t, status }: { t: Translator; status: Status }): VNode {
  const at = PROGRESS.indexOf(status);
  return (
    <ol class="support-progress" aria-label={t('support.case.progress')}>
      {PROGRESS.map((s, i) => (
        <li class={i < at ? 'done' : i === at ? 'current' : 'todo'} aria-current={i === at ? 'step' : undefined}>
          <span class="visually-hidden">{i < at ? t('support.progress.done') : i === at ? t('support.progress.current') : t('support.progress.todo')}: </span>
          {t(`support.status.${s}`)}
        </li>
      ))}
    </ol>
  );
}

export const date = (ctx: PageCtx, iso: string | null | undefined) => (iso ? formatDate(iso.length === 10 ? `${iso}T00:00:00+09:00` : iso, ctx.lang) : '');
export const dateTime = (ctx: PageCtx, iso: string | null | undefined) => (iso ? formatDateTime(iso, ctx.lang) : '');

export function size(ctx: PageCtx, bytes: number): string {
  if (bytes < 1024) return ctx.t('support.size.bytes', { n: bytes });
  if (bytes < 1024 * 1024) return ctx.t('support.size.kb', { n: Math.round(bytes / 102.4) / 10 });
  return ctx.t('support.size.mb', { n: Math.round(bytes / 104857.6) / 10 });
}

/** A notice after a redirect (?done=…), announced politely. */
export function Done({ ctx, done }: { ctx: PageCtx; done?: string }): VNode | null {
  if (!done || !/^[a-z-]+$/.test(done)) return null;
  return (
    <div class="notice" role="status">
      {ctx.t(`support.done.${done}`)}
    </div>
  );
}
