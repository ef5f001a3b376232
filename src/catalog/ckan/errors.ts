/**
 * CKAN's error types as the Action API reports them (ckan/views/api.py): the envelope's
 * `error.__type` and the HTTP status of each.
 */
import { DomainError } from '../../core/errors.js';
import type { Issue } from '../validate.js';

export type CkanErrorType = 'Validation Error' | 'Not Found Error' | 'Authorization Error' | 'Search Query Error' | 'Search Error' | 'Bad Request';

export const CKAN_STATUS: Record<CkanErrorType, number> = {
  'Validation Error': 409,
  'Not Found Error': 404,
  'Authorization Error': 403,
  'Search Query Error': 400,
  'Search Error': 409,
  'Bad Request': 400,
};

/** An error with CKAN's type; `fields` is the per-field error dict of a Validation Error. */
export class CkanError extends Error {
  constructor(
    readonly type: CkanErrorType,
    message: string,
    readonly fields: Record<string, unknown> = {},
    readonly status = CKAN_STATUS[type],
  ) {
    super(message);
    this.name = 'CkanError';
  }
}

export const ckanValidation = (fields: Record<string, unknown>) => new CkanError('Validation Error', 'Validation Error', fields);
export const badRequest = (message: string) => new CkanError('Bad Request', `Bad request: ${message}`);

type Tree = { [k: string]: Tree | string[] };

/**
 * Issues with dotted paths → CKAN's nested error dict:
 * `resources.1.url` → {resources: [{}, {url: [msg]}]}, `name` → {name: [msg]}.
 */
export function errorDict(issues: { field: string; message: string }[]): Record<string, unknown> {
  const root: Tree = {};
  const put = (t: Tree, parts: string[], msg: string): void => {
    const [k, ...rest] = parts as [string, ...string[]];
    const v = t[k];
    if (!rest.length) {
      if (Array.isArray(v)) v.push(msg);
      else if (v === undefined) t[k] = [msg];
      return;
    }
    const child: Tree = v && !Array.isArray(v) ? v : {};
    t[k] = child;
    put(child, rest, msg);
  };
  for (const i of issues) put(root, i.field.split('.'), i.message);
  const finish = (x: Tree | string[]): unknown => {
    if (Array.isArray(x)) return x;
    const keys = Object.keys(x);
    if (keys.length && keys.every((k) => /^\d+$/.test(k))) {
      const n = Math.max(...keys.map(Number)) + 1;
      return Array.from({ length: n }, (_, i) => (x[String(i)] ? finish(x[String(i)]!) : {}));
    }
    return Object.fromEntries(keys.map((k) => [k, finish(x[k]!)]));
  };
  return finish(root) as Record<string, unknown>;
}

/** A service error (DomainError) in CKAN's terms. */
export function fromDomain(err: DomainError): CkanError {
  switch (err.code) {
    case 'validation-failed':
    case 'bad-request':
    case 'conflict': {
      const issues = (err.extra.issues as Issue[] | undefined) ?? err.fields;
      return ckanValidation(issues.length ? errorDict(issues) : { message: err.message });
    }
    case 'not-found':
    case 'unknown-indicator':
    case 'unknown-target':
      return new CkanError('Not Found Error', `Not found: ${err.message}`);
    case 'forbidden':
    case 'unauthenticated':
    case 'token-invalid':
    case 'csrf-invalid':
    case 'account-inactive':
      return new CkanError('Authorization Error', `Access denied: ${err.message}`);
    case 'payload-too-large':
      return new CkanError('Validation Error', 'Validation Error', { upload: [err.message] }, 413);
    default:
      return new CkanError('Bad Request', err.message, {}, err.status >= 500 ? 500 : 400);
  }
}
