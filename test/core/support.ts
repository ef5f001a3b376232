// Shared pieces of the foundation tests: a test-only module with probe routes, form posts, problem+json checks.
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { KabutoModule } from '../../src/core/context.js';
import { DomainError } from '../../src/core/errors.js';
import { SESSION_COOKIE } from '../../src/app.js';
import { csrfFrom, type Session } from '../helpers.js';

/**
 * Probe routes for tests: who am I, an echo write, a route that throws a plain Error, one that throws
 * a domain error and one with a body schema. Registered through BuildOptions.modules.
 */
export const probeModule: KabutoModule = {
  name: 'test-probe',
  routes(app) {
    app.get('/api/v1/_probe/whoami', { config: { auth: 'signed-in' } }, async (req) => ({ id: req.user!.id, role: req.user!.role, via: req.authVia }));
    app.post('/api/v1/_probe/echo', { config: { auth: 'signed-in' } }, async (req) => ({ echo: req.body ?? null, via: req.authVia }));
    app.post('/api/v1/_probe/public-echo', { config: { public: true } }, async (req) => ({ echo: req.body ?? null }));
    app.get('/api/v1/_probe/boom', async () => {
      throw new Error('SECRET-DETAIL db password is hunter2');
    });
    app.get('/_probe/boom', async () => {
      throw new Error('SECRET-DETAIL db password is hunter2');
    });
    app.get('/api/v1/_probe/conflict', async () => {
      throw new DomainError('conflict', 'that name is taken', [{ field: 'name', message: 'already taken', key: 'admin.none' }]);
    });
    app.post(
      '/api/v1/_probe/typed',
      {
        config: { auth: 'signed-in' },
        schema: { body: { type: 'object', required: ['n'], additionalProperties: false, properties: { n: { type: 'integer' } } } },
      },
      async (req) => req.body,
    );
  },
};

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' } as const;

export function formBody(fields: Record<string, string | number>): string {
  return new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString();
}

/** Post a form as a signed-in browser would, with the session's CSRF token unless told otherwise. */
export async function postForm(app: FastifyInstance, url: string, s: Session | null, fields: Record<string, string | number>, opts: { csrf?: string | null; remoteAddress?: string } = {}): Promise<LightMyRequestResponse> {
  const csrf = opts.csrf === undefined ? s?.csrf : opts.csrf;
  return app.inject({
    method: 'POST',
    url,
    headers: { ...FORM, ...(s ? { cookie: s.cookie } : {}) },
    payload: formBody({ ...fields, ...(csrf ? { _csrf: csrf } : {}) }),
    ...(opts.remoteAddress ? { remoteAddress: opts.remoteAddress } : {}),
  });
}

/** A fresh login form: its cookies (the CSRF secret) and its token. */
export async function loginForm(app: FastifyInstance): Promise<{ cookie: string; csrf: string }> {
  const res = await app.inject({ method: 'GET', url: '/login' });
  return { cookie: res.cookies.map((c) => `${c.name}=${c.value}`).join('; '), csrf: csrfFrom(res.body) };
}

/** Post the login form from a browser that has just loaded it. */
export async function postLogin(app: FastifyInstance, email: string, password: string, opts: { remoteAddress?: string; next?: string } = {}): Promise<LightMyRequestResponse> {
  const f = await loginForm(app);
  return app.inject({
    method: 'POST',
    url: '/login',
    headers: { ...FORM, cookie: f.cookie },
    payload: formBody({ email, password, _csrf: f.csrf, next: opts.next ?? '/' }),
    ...(opts.remoteAddress ? { remoteAddress: opts.remoteAddress } : {}),
  });
}

export function sessionCookieOf(res: LightMyRequestResponse): string | undefined {
  return res.cookies.find((c) => c.name === SESSION_COOKIE && c.value !== '')?.value;
}

/** Assert an RFC 9457 problem+json answer with this status and code; returns the body. */
export function assertProblem(res: LightMyRequestResponse, status: number, code: string): Record<string, unknown> {
  assert.equal(res.statusCode, status, `expected ${status} ${code}, got ${res.statusCode}: ${res.body.slice(0, 300)}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json() as Record<string, unknown>;
  assert.equal(body.code, code);
  assert.equal(body.status, status);
  assert.equal(typeof body.title, 'string');
  assert.equal(typeof body.type, 'string');
  return body;
}

/** Whether the session cookie signs someone in: /account answers 200 for a session, redirects otherwise. */
export async function isSignedIn(app: FastifyInstance, cookie: string): Promise<boolean> {
  const res = await app.inject({ method: 'GET', url: '/api/v1/_probe/whoami', headers: { cookie, accept: 'application/json' } });
  if (res.statusCode === 200) return true;
  assert.equal(res.statusCode, 401, `unexpected ${res.statusCode}: ${res.body.slice(0, 200)}`);
  return false;
}

/** The text a reader sees: tags, scripts and styles removed, entities decoded for the common cases. */
export function visibleText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/** The error summary of a re-rendered form: its messages, and a check that each links to a field on the page. */
export function errorSummary(html: string): string[] {
  const box = /<div class="error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(html);
  assert.ok(box, 'the page has an error summary');
  const links = [...box[1]!.matchAll(/<a href="#([^"]+)">([\s\S]*?)<\/a>/g)];
  assert.ok(links.length > 0, 'the summary lists the problems as links');
  for (const [, id] of links) assert.ok(new RegExp(`\\bid="${id}"`).test(html), `the summary links to #${id}, which is on the page`);
  return links.map((l) => visibleText(l[2]!));
}
