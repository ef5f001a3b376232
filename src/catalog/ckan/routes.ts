/**
 * CKAN Action API v3 under /api/3/action/:action and /api/action/:action. GET (query parameters)
 * for reads, POST (JSON, a form, or multipart with an upload) for everything. Answers are CKAN's
 * envelope: {help, success, result} or {help, success: false, error: {__type, message, …}}.
 *
 * These routes are `compat` and `public`: the app's own token handling, sessions and CSRF do not
 * apply. Callers authenticate as CKAN clients do, with an API token in `Authorization: <token>`,
 * `Authorization: Bearer <token>` or `X-CKAN-API-Key: <token>`; a session cookie is ignored here,
 * so a cross-site form can never act with a signed-in user's rights.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/context.js';
import type { AuthUser } from '../../core/auth/service.js';
import { callerOf, type CatalogService } from '../service.js';
import { isUploadedFile, RawBody } from '../body.js';
import type { UploadedFile } from '../uploads.js';
import type { DataDict } from '../validate.js';
import { ACTIONS, asCkan, type ActionContext } from './actions.js';
import { badRequest, CkanError } from './errors.js';
import { ShowCache } from './show-cache.js';

const PREFIXES = ['/api/3/action', '/api/action'] as const;
const CORS_HEADERS = 'Authorization, X-CKAN-API-Key, Content-Type';

export function siteUrlOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

function helpUrl(req: FastifyRequest, action: string): string {
  const base = req.url.startsWith('/api/3/') ? '/api/3/action' : '/api/action';
  return `${siteUrlOf(req)}${base}/help_show?name=${encodeURIComponent(action)}`;
}

/** The API token a CKAN client sent, if any. */
export function tokenOf(req: FastifyRequest): string | null {
  const key = req.headers['x-ckan-api-key'];
  if (typeof key === 'string' && key.trim()) return key.trim();
  const authz = req.headers.authorization;
  if (typeof authz === 'string' && authz.trim()) return authz.replace(/^Bearer\s+/i, '').trim() || null;
  return null;
}

/** CKAN's reading of a request's data: query parameters for GET, the body for POST. */
function requestData(req: FastifyRequest, read: boolean): { data: DataDict; files: Map<string, UploadedFile> } {
  const files = new Map<string, UploadedFile>();
  if (req.method === 'GET') {
    if (!read) throw badRequest('JSON Error: Invalid request. Please use POST method for your request');
    const q = { ...(req.query as Record<string, unknown>) };
    delete q.lang;
    return { data: q, files };
  }
  const body = req.body;
  if (body === undefined || body === null) return { data: {}, files };
  if (body instanceof RawBody) {
    if (body.text.trim() === '') return { data: {}, files };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.text);
    } catch (err) {
      throw badRequest(`JSON Error: Error decoding JSON data. Error: ${(err as Error).message.slice(0, 200)}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw badRequest(`JSON Error: Request data JSON decoded to ${JSON.stringify(parsed)?.slice(0, 100)} but it needs to be a dictionary.`);
    }
    return { data: parsed as DataDict, files };
  }
  const form = body as Record<string, unknown>;
  const keys = Object.keys(form);
  // CKAN's quirk: `curl -d '{"name": …}'` posts a form whose only key is the JSON document.
  if (keys.length === 1 && (form[keys[0]!] === '' || form[keys[0]!] === '1') && keys[0]!.trim().startsWith('{')) {
    try {
      const parsed = JSON.parse(keys[0]!) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { data: parsed as DataDict, files };
    } catch (err) {
      throw badRequest(`JSON Error: Error decoding JSON data. Error: ${(err as Error).message.slice(0, 200)}`);
    }
  }
  const data: DataDict = {};
  for (const [k, v] of Object.entries(form)) {
    if (isUploadedFile(v)) files.set(k, v);
    else data[k] = v;
  }
  return { data, files };
}

function envelope(req: FastifyRequest, action: string, body: { result: unknown } | { error: Record<string, unknown> }): string {
  const help = helpUrl(req, action);
  return 'result' in body ? JSON.stringify({ help, success: true, result: body.result }) : JSON.stringify({ help, success: false, error: body.error });
}

function actionName(req: FastifyRequest): string {
  return String((req.params as { action?: string } | undefined)?.action ?? '');
}

export function sendCkanError(req: FastifyRequest, reply: FastifyReply, err: CkanError): FastifyReply {
  const error: Record<string, unknown> = err.type === 'Validation Error' ? { ...err.fields, __type: err.type } : { __type: err.type, message: err.message };
  if (err.type === 'Validation Error' && !('message' in error) && err.status !== 409) error.message = err.message;
  return reply.status(err.status).header('content-type', 'application/json;charset=utf-8').send(envelope(req, actionName(req), { error }));
}

/** Errors of the API routes (the handler's own and Fastify's: body too large, bad media type) in CKAN's envelope. */
export async function ckanErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const c = await asCkan(err);
  if (c instanceof CkanError) return sendCkanError(req, reply, c);
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendCkanError(req, reply, new CkanError('Validation Error', 'Request body too large', { upload: ['The request is larger than the server accepts'] }, 413));
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.code === 'KABUTO_BAD_MULTIPART' || err.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return sendCkanError(req, reply, badRequest(err.message));
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return sendCkanError(req, reply, new CkanError('Bad Request', `Bad request: ${err.message}`, {}, status));
  req.log.error({ err, reqId: req.id, url: req.url, method: req.method }, 'CKAN action failed');
  const body = envelope(req, actionName(req), { error: { __type: 'Internal Server Error', message: 'Internal Server Error' } });
  return reply.status(500).header('content-type', 'application/json;charset=utf-8').send(body);
}

export async function ckanRoutes(app: FastifyInstance, ctx: AppContext, svc: CatalogService): Promise<void> {
  const cache = new ShowCache(ctx.db);

  const handle = async (req: FastifyRequest, reply: FastifyReply) => {
    const name = actionName(req);
    const action = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
    if (!action) throw badRequest(`Action name not known: ${name.slice(0, 100)}`);
    if (action.read) reply.header('access-control-allow-origin', '*');

    let user: AuthUser | null = null;
    const token = tokenOf(req);
    if (token) {
      user = await ctx.auth.userForToken(token);
      if (!user) throw new CkanError('Authorization Error', 'Access denied: the API token is not valid (unknown, expired or revoked)');
    }
    const { data, files } = requestData(req, action.read);
    const a: ActionContext = { app: ctx, svc, caller: callerOf(user, req.id), siteUrl: siteUrlOf(req), files };

    // package_show of a public dataset is answered from a cache keyed by the catalog's data version.
    if (name === 'package_show' && !user && typeof data.id === 'string' && Object.keys(data).length === 1) {
      const hit = await cache.get(a.siteUrl, data.id);
      if (hit) return reply.header('content-type', 'application/json;charset=utf-8').send(`{"help":${JSON.stringify(helpUrl(req, name))},"success":true,"result":${hit}}`);
      const version = await cache.version();
      const result = await action.run(a, data);
      const json = JSON.stringify(result);
      if ((result as { private?: boolean; state?: string }).private === false && (result as { state?: string }).state === 'active') cache.put(a.siteUrl, data.id, version, json);
      return reply.header('content-type', 'application/json;charset=utf-8').send(`{"help":${JSON.stringify(helpUrl(req, name))},"success":true,"result":${json}}`);
    }

    const result = await action.run(a, data);
    return reply.header('content-type', 'application/json;charset=utf-8').send(envelope(req, name, { result }));
  };

  await app.register(async (api) => {
    api.setErrorHandler(ckanErrorHandler);
    const config = { compat: true, public: true } as const;
    for (const prefix of PREFIXES) {
      api.get(`${prefix}/:action`, { config, schema: { hide: true } }, handle);
      api.post(`${prefix}/:action`, { config, schema: { hide: true } }, handle);
      // CORS preflight: reads may be called from any origin.
      api.options(`${prefix}/:action`, { config, schema: { hide: true } }, async (_req, reply) =>
        reply
          .status(204)
          .header('access-control-allow-origin', '*')
          .header('access-control-allow-methods', 'GET, POST, OPTIONS')
          .header('access-control-allow-headers', CORS_HEADERS)
          .header('access-control-max-age', '86400')
          .send(),
      );
      for (const method of ['GET', 'POST'] as const) {
        api.route({ method, url: prefix, config, schema: { hide: true }, handler: async () => Promise.reject(badRequest('Action name not known: ')) });
      }
    }
    // CKAN's API root answers its version.
    api.get('/api/3', { config, schema: { hide: true } }, async (_req, reply) => reply.header('access-control-allow-origin', '*').send({ version: 3 }));
  });
}
