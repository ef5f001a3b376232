import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ERROR_CODES, type ErrorCode, type FieldProblem } from '../errors.js';
import { page } from './render.js';

/** Does this request want a page rather than JSON? API paths never do. */
export function wantsHtml(req: FastifyRequest): boolean {
  if (req.url.startsWith('/api/')) return false;
  const accept = req.headers.accept ?? '';
  if (!accept) return true;
  return /text\/html/.test(accept) || (!/application\/(problem\+)?json/.test(accept) && /\*\/\*/.test(accept) && req.method === 'GET');
}

export function problemBody(req: FastifyRequest, code: ErrorCode, detail: string, fields: FieldProblem[] = [], extra: Record<string, unknown> = {}) {
  const { status, title } = ERROR_CODES[code];
  return {
    type: `/docs/errors#${code}`,
    title,
    status,
    detail,
    instance: req.url.split('?')[0],
    code,
    requestId: req.id,
    ...(fields.length ? { errors: fields.map(({ field, message }) => ({ field, message })) } : {}),
    ...extra,
  };
}

export function sendProblem(req: FastifyRequest, reply: FastifyReply, code: ErrorCode, detail: string, fields: FieldProblem[] = [], extra: Record<string, unknown> = {}): FastifyReply {
  const status = ERROR_CODES[code].status;
  if (code === 'rate-limited' && typeof extra.retryAfter === 'number') reply.header('retry-after', String(extra.retryAfter));
  if (wantsHtml(req)) {
    try {
      return errorPage(req, reply, code, status, detail, fields);
    } catch (err) {
      // The error page itself failed: answer in plain text rather than leak the failure.
      req.log.error({ err, reqId: req.id }, 'error page failed');
      return reply.status(status).header('content-type', 'text/plain; charset=utf-8').send(`${ERROR_CODES[code].title} (${req.id})`);
    }
  }
  return reply.status(status).header('content-type', 'application/problem+json; charset=utf-8').send(JSON.stringify(problemBody(req, code, detail, fields, extra)));
}

function errorPage(req: FastifyRequest, reply: FastifyReply, code: ErrorCode, status: number, detail: string, fields: FieldProblem[]): FastifyReply {
  const t = req.t;
  const message =
    code === 'not-found' || code === 'unknown-indicator' || code === 'unknown-target'
      ? t('error.notFound')
      : code === 'forbidden'
        ? t('error.forbidden')
        : code === 'unauthenticated'
          ? t('error.unauthenticated')
          : code === 'csrf-invalid'
            ? t('error.csrf')
            : status >= 500
              ? t('error.internal')
              : t('error.generic');
  if (code === 'unauthenticated' && req.method === 'GET') {
    return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
  }
  return page(req, reply, t('error.title'), () => (
    <>
      <h1>{t('error.title')}</h1>
      <p class="lead">{message}</p>
      {status < 500 && detail && detail !== message ? <p>{detail}</p> : null}
      {fields.length ? (
        <ul>
          {fields.map((f) => (
            <li>
              <code>{f.field}</code>: {f.key ? t(f.key, f.params) : f.message}
            </li>
          ))}
        </ul>
      ) : null}
      <p class="muted small">{t('error.requestId', { id: req.id })}</p>
      <p>
        <a href="/">{t('error.back')}</a>
      </p>
    </>
  ), { status });
}

/** Field name from an Ajv error: the JSON pointer of the value, or the missing property. */
function ajvField(e: { instancePath?: string; params?: Record<string, unknown> }, part: string | undefined): string {
  const missing = e.params?.missingProperty ?? e.params?.additionalProperty;
  const path = (e.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const name = [path, missing].filter((x) => x !== undefined && x !== '').join('.');
  return name || part || 'body';
}

/** The one place errors become responses. */
export function errorHandler(err: FastifyError & { validationContext?: string }, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof DomainError) return sendProblem(req, reply, err.code, err.message, err.fields, err.extra);
  if (err.validation) {
    const fields = err.validation.map((e) => ({ field: ajvField(e as never, err.validationContext), message: e.message ?? 'is invalid' }));
    return sendProblem(req, reply, 'bad-request', `Invalid ${err.validationContext ?? 'request'}: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`, fields);
  }
  if (err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET') return sendProblem(req, reply, 'csrf-invalid', 'Missing or invalid CSRF token');
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendProblem(req, reply, 'unsupported-media-type', err.message);
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendProblem(req, reply, 'payload-too-large', err.message);
  if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (err instanceof SyntaxError && err.statusCode === 400)) {
    return sendProblem(req, reply, 'bad-request', 'The body is not valid JSON');
  }
  const status = err.statusCode ?? 500;
  if (status === 429) return sendProblem(req, reply, 'rate-limited', err.message);
  if (status >= 400 && status < 500) return sendProblem(req, reply, status === 404 ? 'not-found' : status === 413 ? 'payload-too-large' : status === 415 ? 'unsupported-media-type' : 'bad-request', err.message);
  // 5xx: the details go to the log with the request id, never to the client.
  req.log.error({ err, reqId: req.id, url: req.url, method: req.method }, 'request failed');
  return sendProblem(req, reply, 'internal', 'An unexpected error occurred; it has been logged');
}
