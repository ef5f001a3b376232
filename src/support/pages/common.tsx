import type { ComponentChildren, VNode } from 'preact';
import { formatDate, formatDateTime, type Translator } from '../../core/i18n/index.js';
import type { PageCtx } from '../../core/http/render.js';
import { PROGRESS, type Status } from '../rules.js';

import { emptyForm, fieldId, problemMessage as messageOf, type FormState } from '../../core/http/forms.js';

export { emptyForm, fieldId, type FormState };

export function errorOf(t: Translator, form: FormState | undefined, field: string): string | undefined {
  const p = form?.errors.find((e) => e.field === field);
  return p ? messageOf(t, p) : undefined;
}

/** Error summary linking to each field (GOV.UK pattern), in the reader's language. */
export function Errors({ ctx, form, id = 'error-summary-title' }: { ctx: PageCtx; form?: FormState; id?: string }): VNode | null {
  if (!form?.errors.length) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby={id} tabIndex={-1}>
      <h2 id={id}>{ctx.t('form.errors')}</h2>
      <ul>
        {form.errors.map((e) => (
          <li>
            <a href={`#${fieldId(e.field)}`}>{messageOf(ctx.t, e)}</a>
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

function Shell({ ctx, form, name, label, hint, required, children }: FieldProps & { children: (id: string, describedBy: string | undefined, invalid: boolean) => ComponentChildren }): VNode {
  const id = fieldId(name);
  const error = errorOf(ctx.t, form, name);
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for={id}>
        {label}
        {required && <span class="support-required"> {ctx.t('support.form.required')}</span>}
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
      {children(id, describedBy, !!error)}
    </div>
  );
}

export function TextField(props: FieldProps & { type?: 'text' | 'date' | 'number' | 'email'; multiline?: boolean; rows?: number; autocomplete?: string; lang?: string }): VNode {
  const value = props.form?.values[props.name] ?? '';
  return (
    <Shell {...props}>
      {(id, describedBy, invalid) =>
        props.multiline ? (
          <textarea id={id} name={props.name} rows={props.rows ?? 5} lang={props.lang} aria-describedby={describedBy} aria-invalid={invalid ? 'true' : undefined} required={props.required}>
            {value}
          </textarea>
        ) : (
          <input
            id={id}
            name={props.name}
            type={props.type ?? 'text'}
            value={value}
            lang={props.lang}
            inputMode={props.type === 'number' ? 'numeric' : undefined}
            autocomplete={props.autocomplete ?? 'off'}
            aria-describedby={describedBy}
            aria-invalid={invalid ? 'true' : undefined}
            required={props.required}
          />
        )
      }
    </Shell>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField(props: FieldProps & { options: Option[]; placeholder?: string }): VNode {
  const value = props.form?.values[props.name] ?? '';
  return (
    <Shell {...props}>
      {(id, describedBy, invalid) => (
        <select id={id} name={props.name} aria-describedby={describedBy} aria-invalid={invalid ? 'true' : undefined} required={props.required}>
          {props.placeholder !== undefined && <option value="">{props.placeholder}</option>}
          {props.options.map((o) => (
            <option value={o.value} selected={o.value === value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Shell>
  );
}

export function FileField(props: FieldProps & { accept?: string }): VNode {
  return <Shell {...props}>{(id, describedBy, invalid) => <input id={id} name={props.name} type="file" accept={props.accept} aria-describedby={describedBy} aria-invalid={invalid ? 'true' : undefined} />}</Shell>;
}

/** Radio buttons in a fieldset; the legend is the question. */
export function RadioGroup(props: { ctx: PageCtx; form?: FormState; name: string; legend: string; options: Array<Option & { hint?: string }>; required?: boolean }): VNode {
  const value = props.form?.values[props.name] ?? '';
  const error = errorOf(props.ctx.t, props.form, props.name);
  const id = fieldId(props.name);
  return (
    <fieldset class={error ? 'support-radios has-error' : 'support-radios'} aria-describedby={error ? `${id}-error` : undefined}>
      <legend>
        {props.legend}
        {props.required && <span class="support-required"> {props.ctx.t('support.form.required')}</span>}
      </legend>
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
      {props.options.map((o, i) => {
        const oid = i === 0 ? id : `${id}-${o.value}`;
        return (
          <div class="support-radio">
            <input type="radio" id={oid} name={props.name} value={o.value} checked={o.value === value} required={props.required} aria-describedby={o.hint ? `${oid}-hint` : undefined} />
            <label for={oid}>{o.label}</label>
            {o.hint && (
              <p class="field-hint" id={`${oid}-hint`}>
                {o.hint}
              </p>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}

export function Checkbox({ ctx, form, name, label, hint }: { ctx: PageCtx; form?: FormState; name: string; label: string; hint?: string }): VNode {
  const id = fieldId(name);
  void ctx;
  return (
    <div class="field checkbox">
      <input type="checkbox" id={id} name={name} value="1" checked={form?.values[name] === '1' || form?.values[name] === 'on'} aria-describedby={hint ? `${id}-hint` : undefined} />
      <label for={id}>{label}</label>
      {hint && (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

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
