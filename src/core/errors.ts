/**
 * Typed domain errors. Services throw these; one handler (http/error-handler.ts) maps them to
 * RFC 9457 problem+json for the API and to a readable page for browsers. Every code is stable and
 * listed in the README ("Error codes").
 */
export interface FieldProblem {
  /** JSON pointer or field name of the offending input. */
  field: string;
  message: string;
  /** Message key for pages, which speak the reader's language; `message` stays for the API and the CLI. */
  key?: string;
  params?: Record<string, string | number>;
}

export const ERROR_CODES = {
  'validation-failed': { status: 422, title: 'Validation failed' },
  'bad-request': { status: 400, title: 'Bad request' },
  'unauthenticated': { status: 401, title: 'Authentication required' },
  'forbidden': { status: 403, title: 'Forbidden' },
  'not-found': { status: 404, title: 'Not found' },
  'conflict': { status: 409, title: 'Conflict' },
  'csrf-invalid': { status: 403, title: 'Invalid or missing CSRF token' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'invalid-credentials': { status: 401, title: 'Invalid email or password' },
  'account-inactive': { status: 403, title: 'Account deactivated' },
  'token-invalid': { status: 401, title: 'Invalid, expired or revoked API token' },
  'plan-file-invalid': { status: 422, title: 'Plan file invalid' },
  'unknown-indicator': { status: 404, title: 'Unknown indicator' },
  'unknown-target': { status: 404, title: 'Unknown target' },
  'year-frozen': { status: 409, title: 'Fiscal year frozen' },
  'metric-bound': { status: 409, title: 'Indicator takes its actuals from a metric' },
  'internal': { status: 500, title: 'Internal server error' },
  'unavailable': { status: 503, title: 'Service unavailable' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class DomainError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly fields: FieldProblem[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message ?? ERROR_CODES[code].title);
    this.name = 'DomainError';
    this.status = ERROR_CODES[code].status;
  }
}

export const notFound = (what: string) => new DomainError('not-found', `${what} not found`);
export const forbidden = (message = 'You may not do this') => new DomainError('forbidden', message);
export const unauthenticated = () => new DomainError('unauthenticated', 'Sign in or send an API token');
export const validation = (fields: FieldProblem[], message = 'The input is not valid') =>
  new DomainError('validation-failed', message, fields);
