import type { ComponentChildren, VNode } from 'preact';
import type { Lang, Translator } from '../../core/i18n/index.js';
import { formatDate, formatDateTime } from '../../core/i18n/index.js';
import type { PageCtx } from '../../core/http/render.js';
import type { LocalizedProblem } from '../errors.js';
import { localize } from '../errors.js';
import { SECTOR_GROUPS, sectorsOf, type Stage } from '../rules.js';
import type { Bilingual, CompanyRef, UserRef } from '../service.js';

import { emptyForm as coreEmptyForm, fieldId, type FormState as CoreFormState } from '../../core/http/forms.js';

export { fieldId };
/** A form's state when it is shown again (the core form state, with this module's localized problems). */
export type FormState = CoreFormState<LocalizedProblem>;
export const emptyForm = (values: Record<string, string> = {}): FormState => coreEmptyForm<LocalizedProblem>(values);

export function errorOf(t: Translator, form: FormState | undefined, field: string): string | undefined {
  const p = form?.errors.find((e) => e.field === field);
  return p ? localize(t, p) : undefined;
}

/** Error summary linking to each field (GOV.UK pattern), in the reader's language. */
export function Errors({ ctx, form }: { ctx: PageCtx; form?: FormState }): VNode | null {
  if (!form?.errors.length) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabIndex={-1}>
      <h2 id="error-summary-title">{ctx.t('form.errors')}</h2>
      <ul>
        {form.errors.map((e) => (
          <li>
            <a href={`#${fieldId(e.field)}`}>{localize(ctx.t, e)}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

interface FieldProps {
  ctx: PageCtx;
  form?: FormState;
  name: string;
  label: string;
  hint?: string;
  required?: boolean;
}

function FieldShell({ ctx, form, name, label, hint, required, children }: FieldProps & { children: (id: string, describedBy: string | undefined) => ComponentChildren }): VNode {
  const id = fieldId(name);
  const error = errorOf(ctx.t, form, name);
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for={id}>
        {label}
        {required && <span class="required">{paren(ctx.lang, ctx.t('form.required'))}</span>}
      </label>
      {hint && (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
      {children(id, describedBy)}
    </div>
  );
}

export function TextField(props: FieldProps & { type?: 'text' | 'date' | 'number'; multiline?: boolean; min?: number; autocomplete?: string }): VNode {
  const value = props.form?.values[props.name] ?? '';
  return (
    <FieldShell {...props}>
      {(id, describedBy) =>
        props.multiline ? (
          <textarea id={id} name={props.name} rows={4} aria-describedby={describedBy} aria-invalid={describedBy?.includes('error') ? 'true' : undefined}>
            {value}
          </textarea>
        ) : (
          <input
            id={id}
            name={props.name}
            type={props.type ?? 'text'}
            value={value}
            min={props.min}
            inputMode={props.type === 'number' ? 'numeric' : undefined}
            autocomplete={props.autocomplete ?? 'off'}
            aria-describedby={describedBy}
            aria-invalid={describedBy?.includes('error') ? 'true' : undefined}
            required={props.required}
          />
        )
      }
    </FieldShell>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField(props: FieldProps & { options: Option[]; placeholder?: string }): VNode {
  const value = props.form?.values[props.name] ?? '';
  return (
    <FieldShell {...props}>
      {(id, describedBy) => (
        <select id={id} name={props.name} aria-describedby={describedBy} aria-invalid={describedBy?.includes('error') ? 'true' : undefined} required={props.required}>
          {props.placeholder !== undefined && <option value="">{props.placeholder}</option>}
          {props.options.map((o) => (
            <option value={o.value} selected={o.value === value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}

/** The module's own menu, marking the current page. */
export function SubNav({ ctx }: { ctx: PageCtx }): VNode {
  const items = [
    ['/attraction', 'attraction.nav.dashboard'],
    ['/attraction/board', 'attraction.nav.board'],
    ['/attraction/leads', 'attraction.nav.leads'],
    ['/attraction/leads/new', 'attraction.nav.newLead'],
    ['/attraction/others', 'attraction.nav.others'],
  ] as const;
  return (
    <nav class="attraction-subnav" aria-label={ctx.t('attraction.subnav')}>
      <ul class="inline-list">
        {items.map(([href, key]) => (
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

export function Notice({ text }: { text: string | null }): VNode | null {
  if (!text) return null;
  return (
    <p class="notice" role="status">
      {text}
    </p>
  );
}

/** CSV and XLSX links for the table above, keeping its filters. */
export function ExportLinks({ t, lang, base, query, label }: { t: Translator; lang: Lang; base: string; query?: string; label: string }): VNode {
  const q = query ? `?${query}` : '';
  return (
    <p class="export-links">
      {t('attraction.export')}{' '}
      <a href={`${base}.csv${q}`} download>
        {t('attraction.export.csv')}
        <span class="visually-hidden">{paren(lang, label)}</span>
      </a>{' '}
      <a href={`${base}.xlsx${q}`} download>
        {t('attraction.export.xlsx')}
        <span class="visually-hidden">{paren(lang, label)}</span>
      </a>
    </p>
  );
}

/** Text in brackets, as each language writes them. */
export const paren = (lang: Lang, s: string) => (lang === 'ja' ? `（${s}）` : ` (${s})`);

export const bi = (lang: Lang, b: Bilingual) => (lang === 'en' ? b.en : b.ja);
export const companyName = (lang: Lang, c: CompanyRef) => bi(lang, c.name);
export const stageLabel = (t: Translator, s: Stage | null) => (s ? t(`attraction.stage.${s}`) : t('attraction.stage.created'));
export const dateText = (iso: string | null, lang: Lang) => (iso ? formatDate(`${iso}T00:00:00+09:00`, lang) : '—');
export const dateTimeText = (iso: string, lang: Lang) => formatDateTime(iso, lang);
export const userName = (u: UserRef) => u.name;

/** Sector options: the three groups (all their sectors) and each sector. */
export function sectorFilterOptions(t: Translator): Option[] {
  return SECTOR_GROUPS.flatMap((g) => [
    { value: g, label: t('attraction.sector.group', { group: t(`attraction.sectorGroup.${g}`) }) },
    ...(g === 'other' ? [] : sectorsOf(g).map((s) => ({ value: s, label: `— ${t(`attraction.sector.${s}`)}` }))),
  ]);
}

export function sectorOptions(t: Translator, lang: Lang): Option[] {
  return SECTOR_GROUPS.flatMap((g) => sectorsOf(g).map((s) => ({ value: s, label: g === 'other' ? t(`attraction.sector.${s}`) : `${t(`attraction.sectorGroup.${g}`)}${lang === 'ja' ? '：' : ': '}${t(`attraction.sector.${s}`)}` })));
}

export function choiceOptions(t: Translator, prefix: string, values: readonly string[]): Option[] {
  return values.map((v) => ({ value: v, label: t(`${prefix}.${v}`) }));
}
