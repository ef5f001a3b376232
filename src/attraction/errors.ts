import { DomainError, type ErrorCode } from '../core/errors.js';
import type { Translator } from '../core/i18n/index.js';
import { attractionMessages } from './messages.js';

/**
 * A problem with one field, as a message key so the API can answer in English and a form can
 * re-render in the reader's language. A parameter written `@key` is itself a message key.
 */
export interface LocalizedProblem {
  field: string;
  key: string;
  params?: Record<string, string | number>;
}

/** The message key of a field's label: `tasks.2.title` → `attraction.field.tasks.title`. */
export const labelKey = (field: string) => `attraction.field.${field.replace(/\.\d+(?=\.|$)/g, '')}`;

/** Render a problem in a language (the field's label is always available as {label}). */
export function localize(t: Translator, p: LocalizedProblem): string {
  const params: Record<string, string | number> = { label: t(labelKey(p.field)) };
  for (const [k, v] of Object.entries(p.params ?? {})) params[k] = typeof v === 'string' && v.startsWith('@') ? t(v.slice(1)) : v;
  return t(p.key, params);
}

const en = attractionMessages.en as Record<string, string>;
/** English, from this module's own catalog (the API's language), independent of what the app registered. */
export const english: Translator = (key, params) => {
  const msg = en[key] ?? key;
  return params ? msg.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : msg;
};

/** A domain error whose summary and field problems can be shown in either language. */
export class AttractionError extends DomainError {
  constructor(
    code: ErrorCode,
    readonly summaryKey: string,
    readonly problems: LocalizedProblem[],
    extra: Record<string, unknown> = {},
    readonly summaryParams?: Record<string, string | number>,
  ) {
    super(code, localize(english, { field: 'summary', key: summaryKey, params: summaryParams }), problems.map((p) => ({ field: p.field, message: localize(english, p) })), extra);
    this.name = 'AttractionError';
  }
}

/** Collects field problems; throws them together so the caller sees every one at once. */
export class Problems {
  readonly list: LocalizedProblem[] = [];
  add(field: string, key: string, params?: Record<string, string | number>): void {
    this.list.push({ field, key, params });
  }
  has(field: string): boolean {
    return this.list.some((p) => p.field === field);
  }
  get any(): boolean {
    return this.list.length > 0;
  }
  throwIfAny(summaryKey = 'attraction.err.summary'): void {
    if (this.list.length) throw new AttractionError('validation-failed', summaryKey, this.list);
  }
}

export const conflict = (key: string, params?: Record<string, string | number>, field = 'id', extra: Record<string, unknown> = {}) =>
  new AttractionError('conflict', key, [{ field, key, params }], extra, params);

export const notFoundError = (what: 'lead' | 'task' | 'consultation' | 'other') => new AttractionError('not-found', `attraction.err.notFound.${what}`, []);
