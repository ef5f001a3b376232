import type { FieldProblem } from '../errors.js';
import type { Translator } from '../i18n/index.js';

/** A form's state when it is shown again: what was typed, and what was wrong with it. */
export interface FormState<P extends { field: string } = FieldProblem> {
  values: Record<string, string>;
  errors: P[];
}

export const emptyForm = <P extends { field: string } = FieldProblem>(values: Record<string, string> = {}): FormState<P> => ({ values, errors: [] });

/** Field ids are the field names with dots made safe (`persons.0.fullName` → `f-persons-0-fullName`). */
export const fieldId = (field: string) => `f-${field.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** A field problem in the reader's language: its message key when it has one, else its message. */
export const problemMessage = (t: Translator, p: FieldProblem) => (p.key ? t(p.key, p.params) : p.message);
