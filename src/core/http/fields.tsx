import type { ComponentChildren, VNode } from 'preact';
import type { Lang, Translator } from '../i18n/index.js';
import { fieldId, problemMessage, type FormState } from './forms.js';

/**
 * Form fields for server-rendered pages, one set for every module: each label is bound to its
 * control, the hint and the problem are read out with it (aria-describedby), a field with a
 * problem is marked invalid, and a form shown again keeps what was typed. Markup and classes
 * follow kabuto.css (`field`, `has-error`, `field-hint`, `field-error`, `error-summary`).
 */

/** What a field needs from the page: the reader's language and its messages (a PageCtx will do). */
export interface FieldCtx {
  t: Translator;
  lang: Lang;
}

export interface Option {
  value: string;
  label: string;
}

/** Choices of a select shown under a heading (`<optgroup>`). */
export interface OptionGroup {
  label: string;
  options: Option[];
}

export interface FieldProps {
  ctx: FieldCtx;
  /** The form as submitted, when it is shown again: its value and problem for this field. */
  form?: FormState;
  name: string;
  label: string;
  /** Text, or markup where the hint holds a link. */
  hint?: ComponentChildren;
  /** Marks the label and makes the control required. */
  required?: boolean;
  /** The value when the form holds none for this field (what is saved, a filter in the URL). */
  value?: string;
  /** Class of the required mark, where a module styles it apart (default `required`). */
  requiredClass?: string;
}

/**
 * The problems to show at a field, in the reader's language: every one named after the field or
 * after a part of it (`tags.2` shows at `tags`), each once, so a reader fixes them all in one go.
 */
export function fieldMessage(t: Translator, form: FormState | undefined, name: string): string | undefined {
  const texts = new Set(form?.errors.filter((e) => e.field === name || e.field.startsWith(`${name}.`)).map((p) => problemMessage(t, p)));
  return texts.size ? [...texts].join(' ') : undefined;
}

/** Error summary at the top of a form shown again, linking to each field (GOV.UK pattern). */
export function FormErrors({
  ctx,
  form,
  id = 'error-summary-title',
  href = (field) => `#${fieldId(field)}`,
}: {
  ctx: Pick<FieldCtx, 't'>;
  form?: FormState;
  /** The heading's id, when a page has more than one form. */
  id?: string;
  /** Where a problem links, for forms whose controls are not given ids by these fields. */
  href?: (field: string) => string;
}): VNode | null {
  if (!form?.errors.length) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby={id} tabIndex={-1}>
      <h2 id={id}>{ctx.t('form.errors')}</h2>
      <ul>
        {form.errors.map((e) => (
          <li>
            <a href={href(e.field)}>{problemMessage(ctx.t, e)}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The required mark after a label or legend: （必須） / (required). */
function RequiredMark({ ctx, class: cls }: { ctx: FieldCtx; class?: string }): VNode {
  const word = ctx.t('form.required');
  return <span class={cls ?? 'required'}>{ctx.lang === 'ja' ? `（${word}）` : ` (${word})`}</span>;
}

/** What a control carries so that the label, hint and problem above it belong to it. */
interface ControlAttrs {
  id: string;
  'aria-describedby': string | undefined;
  'aria-invalid': 'true' | undefined;
}

const describedBy = (id: string, hint: boolean, error: boolean) => [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

function Hint({ id, text }: { id: string; text: ComponentChildren }): VNode | null {
  return text ? (
    <p class="field-hint" id={`${id}-hint`}>
      {text}
    </p>
  ) : null;
}

function Problem({ id, text }: { id: string; text: string | undefined }): VNode | null {
  return text ? (
    <p class="field-error" id={`${id}-error`}>
      {text}
    </p>
  ) : null;
}

/** Label, hint and problem above one control. */
function Field({ ctx, form, name, label, hint, required, requiredClass, control }: FieldProps & { control: (attrs: ControlAttrs) => ComponentChildren }): VNode {
  const id = fieldId(name);
  const error = fieldMessage(ctx.t, form, name);
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for={id}>
        {label}
        {required && <RequiredMark ctx={ctx} class={requiredClass} />}
      </label>
      <Hint id={id} text={hint} />
      <Problem id={id} text={error} />
      {control({ id, 'aria-describedby': describedBy(id, !!hint, !!error), 'aria-invalid': error ? 'true' : undefined })}
    </div>
  );
}

const valueOf = (props: FieldProps) => props.form?.values[props.name] ?? props.value ?? '';

export type TextType = 'text' | 'search' | 'email' | 'url' | 'tel' | 'number' | 'date' | 'time' | 'datetime-local';

export interface TextFieldProps extends FieldProps {
  type?: TextType;
  min?: number;
  max?: number;
  maxLength?: number;
  /** The keyboard to offer; `numeric` by default for a number. */
  inputMode?: 'numeric' | 'decimal' | 'tel' | 'email' | 'url' | 'search' | 'text';
  /** Default `off`: these forms hold business and personal data, not the reader's own details. */
  autocomplete?: string;
  /** The language of what is typed, for a field that holds one language only. */
  lang?: Lang;
}

/** A password: never refilled from the form shown again (a typed password is not written back into a page). */
export function PasswordField(props: FieldProps & { autocomplete: 'current-password' | 'new-password' }): VNode {
  return <Field {...props} control={(a) => <input {...a} name={props.name} type="password" autocomplete={props.autocomplete} required={props.required} />} />;
}

export function TextField(props: TextFieldProps): VNode {
  return (
    <Field
      {...props}
      control={(attrs) => (
        <input
          {...attrs}
          name={props.name}
          type={props.type ?? 'text'}
          value={valueOf(props)}
          min={props.min}
          max={props.max}
          maxLength={props.maxLength}
          lang={props.lang}
          inputMode={props.inputMode ?? (props.type === 'number' ? 'numeric' : undefined)}
          autocomplete={props.autocomplete ?? 'off'}
          required={props.required}
        />
      )}
    />
  );
}

export function TextArea(props: FieldProps & { rows?: number; maxLength?: number; lang?: Lang }): VNode {
  return (
    <Field
      {...props}
      control={(attrs) => (
        <textarea {...attrs} name={props.name} rows={props.rows ?? 5} maxLength={props.maxLength} lang={props.lang} required={props.required}>
          {valueOf(props)}
        </textarea>
      )}
    />
  );
}

export function SelectField(props: FieldProps & { options: Array<Option | OptionGroup>; /** Label of a first, empty choice. */ placeholder?: string }): VNode {
  const value = valueOf(props);
  const option = (o: Option) => (
    <option value={o.value} selected={o.value === value}>
      {o.label}
    </option>
  );
  return (
    <Field
      {...props}
      control={(attrs) => (
        <select {...attrs} name={props.name} required={props.required}>
          {props.placeholder !== undefined && <option value="">{props.placeholder}</option>}
          {props.options.map((o) => ('options' in o ? <optgroup label={o.label}>{o.options.map(option)}</optgroup> : option(o)))}
        </select>
      )}
    />
  );
}

/** A file is never refilled: the browser cannot be given one back. */
export function FileField(props: Omit<FieldProps, 'value'> & { accept?: string }): VNode {
  return <Field {...props} control={(attrs) => <input {...attrs} name={props.name} type="file" accept={props.accept} required={props.required} />} />;
}

/** One checkbox, its label after it. Checked when the form's value is `value` (or `on`), else by `checked`. */
export function Checkbox({ ctx, form, name, label, hint, value = '1', checked }: { ctx: FieldCtx; form?: FormState; name: string; label: string; hint?: ComponentChildren; value?: string; checked?: boolean }): VNode {
  const id = fieldId(name);
  const error = fieldMessage(ctx.t, form, name);
  const submitted = form?.values[name];
  return (
    <div class={error ? 'field checkbox has-error' : 'field checkbox'}>
      <input
        type="checkbox"
        id={id}
        name={name}
        value={value}
        checked={submitted !== undefined ? submitted === value || submitted === 'on' : !!checked}
        aria-describedby={describedBy(id, !!hint, !!error)}
        aria-invalid={error ? 'true' : undefined}
      />
      <label for={id}>{label}</label>
      <Hint id={id} text={hint} />
      <Problem id={id} text={error} />
    </div>
  );
}

interface GroupProps {
  ctx: FieldCtx;
  form?: FormState;
  name: string;
  legend: string;
  hint?: ComponentChildren;
  required?: boolean;
  requiredClass?: string;
  /** The fieldset's class. */
  class?: string;
}

/**
 * A fieldset of choices sharing a name. The first choice has the field's id, so the error
 * summary's link lands on it; the others add their position (`f-jsic`, `f-jsic-1`, …).
 */
function Group({ ctx, form, name, legend, hint, required, requiredClass, class: cls, children }: GroupProps & { children: (optionId: (i: number) => string) => ComponentChildren }): VNode {
  const id = fieldId(name);
  const error = fieldMessage(ctx.t, form, name);
  return (
    <fieldset class={error ? `${cls} has-error` : cls} aria-describedby={describedBy(id, !!hint, !!error)}>
      <legend>
        {legend}
        {required && <RequiredMark ctx={ctx} class={requiredClass} />}
      </legend>
      <Hint id={id} text={hint} />
      <Problem id={id} text={error} />
      {children((i) => (i === 0 ? id : `${id}-${i}`))}
    </fieldset>
  );
}

/**
 * Checkboxes sharing a name. The checked values are the form's (comma-joined) when it holds the
 * field, else `checked`. Without `listClass` the boxes stand one a line; with it they are a list
 * of that class (laid out in columns by the module's CSS).
 */
export function CheckboxGroup(props: GroupProps & { options: Option[]; checked?: string[]; listClass?: string }): VNode {
  const submitted = props.form?.values[props.name];
  const chosen = new Set(submitted !== undefined ? submitted.split(',').filter(Boolean) : (props.checked ?? []));
  return (
    <Group {...props} class={props.class ?? 'checkbox-group'}>
      {(optionId) => {
        const box = (o: Option, i: number) => (
          <>
            <input type="checkbox" id={optionId(i)} name={props.name} value={o.value} checked={chosen.has(o.value)} />
            <label for={optionId(i)}>{o.label}</label>
          </>
        );
        return props.listClass !== undefined ? <ul class={props.listClass}>{props.options.map((o, i) => <li>{box(o, i)}</li>)}</ul> : props.options.map((o, i) => <div class="field checkbox">{box(o, i)}</div>);
      }}
    </Group>
  );
}

/** Radio buttons; the legend is the question, and each choice may have a hint of its own. */
export function RadioGroup(props: GroupProps & { options: Array<Option & { hint?: string }>; value?: string; /** Each choice's class. */ itemClass?: string }): VNode {
  const value = props.form?.values[props.name] ?? props.value ?? '';
  return (
    <Group {...props} class={props.class ?? 'radio-group'}>
      {(optionId) =>
        props.options.map((o, i) => {
          const id = optionId(i);
          return (
            <div class={props.itemClass ?? 'radio'}>
              <input type="radio" id={id} name={props.name} value={o.value} checked={o.value === value} required={props.required} aria-describedby={o.hint ? `${id}-hint` : undefined} />
              <label for={id}>{o.label}</label>
              <Hint id={id} text={o.hint} />
            </div>
          );
        })
      }
    </Group>
  );
}
