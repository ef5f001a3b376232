import { DomainError, type ErrorCode, type FieldProblem } from '../core/errors.js';
import { matchingMessages } from './messages.js';

type Params = Record<string, string | number>;
const catalogs = matchingMessages as unknown as { ja: Record<string, string>; en: Record<string, string> };

/** A message of this module in a language, from its own catalogs (mail and the API need no request). */
export function say(lang: 'ja' | 'en', key: string, params?: Params): string {
  const msg = catalogs[lang][key] ?? key;
  return params ? msg.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : msg;
}

/** A field problem: English for the API, a message key for pages in the reader's language. */
export function problem(field: string, key: string, params?: Params): FieldProblem {
  return { field, key, params, message: say('en', key, params) };
}

/** A domain error whose summary is this module's English message. */
export function fail(code: ErrorCode, key: string, fields: FieldProblem[] = [], params?: Params, extra: Record<string, unknown> = {}): DomainError {
  return new DomainError(code, say('en', key, params), fields, extra);
}

export const notFound = (what: 'card' | 'request' | 'meeting' | 'fair' | 'company' | 'profile' | 'slot' | 'table' | 'participant') => fail('not-found', `matching.err.notFound.${what}`);

/** Collects field problems and throws them together, so a form shows every one at once. */
export class Problems {
  readonly list: FieldProblem[] = [];
  add(field: string, key: string, params?: Params): void {
    this.list.push(problem(field, key, params));
  }
  has(field: string): boolean {
    return this.list.some((p) => p.field === field);
  }
  throwIfAny(): void {
    if (this.list.length) throw fail('validation-failed', 'matching.err.invalid', this.list);
  }
}
