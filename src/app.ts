import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { randomUUID } from 'node:crypto';
import './core/http/types.js';
import type { Config } from './core/config.js';
import { systemClock, type Clock } from './core/clock.js';
import { openDatabase, ping, type DatabaseHandle } from './core/db/index.js';
import { migrateToLatest } from './core/db/migrate.js';
import { MetricRegistry } from './core/metrics.js';
import { AuthService } from './core/auth/service.js';
import { HookRegistry, type AppContext, type KabutoModule } from './core/context.js';
import { registerMessages, translator, isLang, langFromAcceptLanguage, type Lang } from './core/i18n/index.js';
import { coreMessages } from './core/i18n/core-messages.js';
import { DomainError, forbidden, unauthenticated } from './core/errors.js';
import { errorHandler, sendProblem } from './core/http/errors.js';
import { assetRoutes } from './core/http/assets.js';
import { errorDocsRoutes } from './core/http/error-docs.js';
import { coreRoutes } from './core/auth/routes.js';
import { modules as defaultModules } from './modules.js';

export const SESSION_COOKIE = 'kabuto_session';
export const LANG_COOKIE = 'lang';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface BuildOptions {
  clock?: Clock;
  /** Use an already-open database (tests, CLI); buildApp then leaves closing it to the caller. */
  handle?: DatabaseHandle;
  /** Extra modules (tests register metrics through a module). */
  modules?: KabutoModule[];
  /** Skip the built-in domain modules (core-only tests). */
  onlyModules?: KabutoModule[];
}

export interface RouteInfo {
  method: string;
  url: string;
  auth: readonly string[] | 'signed-in' | undefined;
  public: boolean;
  compat: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every registered route with its access declaration (the route-security test reads this). */
    routeInfo: RouteInfo[];
  }
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function ajv(coerce: boolean): Ajv {
  // removeAdditional: false, so unknown fields are refused (additionalProperties: false), never silently dropped.
  const a = new Ajv({ removeAdditional: false, useDefaults: true, coerceTypes: coerce ? 'array' : false, allErrors: true, strict: false });
  addFormats(a);
  return a;
}

export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-ckan-api-key"]'] },
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: 5 * 1024 * 1024,
    trustProxy: config.trustProxy ?? false,
    routerOptions: { ignoreTrailingSlash: true },
  });

  const bodyAjv = ajv(false);
  const paramAjv = ajv(true);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : paramAjv).compile(schema as object));

  const clock = opts.clock ?? systemClock;
  const handle = opts.handle ?? openDatabase(config.databaseUrl);
  await migrateToLatest(handle.db);

  const ctx: AppContext = {
    config,
    handle,
    db: handle.db,
    dialect: handle.dialect,
    clock,
    metrics: new MetricRegistry(),
    auth: new AuthService(handle.db, clock, config.sessionDays),
    log: app.log,
    hooks: new HookRegistry(),
  };
  app.decorate('kabuto', ctx);
  app.decorate('routeInfo', [] as RouteInfo[]);
  const mods = [...(opts.onlyModules ?? defaultModules), ...(opts.modules ?? [])];

  registerMessages('core', coreMessages);
  for (const m of mods) if (m.messages) registerMessages(m.name, m.messages);
  app.decorate('nav', [
    { href: '/', label: 'nav.home' },
    ...mods.flatMap((m) => m.nav ?? []),
    { href: '/admin', label: 'nav.admin', roles: ['admin'] },
  ]);

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const cfg = (route.config ?? {}) as { auth?: RouteInfo['auth']; public?: boolean; compat?: boolean };
    for (const method of methods) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      if (UNSAFE.has(method) && !cfg.auth && !cfg.public) {
        throw new Error(`write route ${method} ${route.url} declares neither config.auth nor config.public`);
      }
      app.routeInfo.push({ method, url: route.url, auth: cfg.auth, public: !!cfg.public, compat: !!cfg.compat });
    }
  });

  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'kabuto_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.cookieSecure, signed: false },
    csrfOpts: { hmacKey: config.sessionSecret, userInfo: true },
    getUserInfo: (req: FastifyRequest) => req.sessionHash ?? 'anonymous',
    getToken: (req: FastifyRequest) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body === 'object' && typeof body._csrf === 'string' ? body._csrf : undefined;
      const header = req.headers['x-csrf-token'];
      return fromBody ?? (typeof header === 'string' ? header : undefined);
    },
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Kabuto API',
        version: '1',
        description:
          'JSON API of Kabuto. Errors are RFC 9457 problem+json with a stable `code` (see the README, "Error codes"). Write with an API token (`Authorization: Bearer kbt_…`) or a staff session plus the `x-csrf-token` header.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token created with `kabuto token create` or on the admin page' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
    },
    transform: ({ schema, url }) => {
      const hide = !url.startsWith('/api/v1') && url !== '/healthz' && url !== '/readyz';
      return { schema: (hide ? { ...(schema ?? {}), hide: true } : schema) as never, url };
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  app.decorateRequest('lang', 'ja' as Lang);
  app.decorateRequest('t', null as never);
  app.decorateRequest('user', null);
  app.decorateRequest('authVia', null);
  app.decorateRequest('sessionHash', null);

  app.addHook('onRequest', async (req, reply) => {
    // Language: ?lang= (remembered in a cookie), then the cookie, then Accept-Language, then Japanese.
    const q = (req.query as Record<string, unknown> | undefined)?.lang;
    let lang: Lang | undefined;
    if (isLang(q)) {
      lang = q;
      if (req.cookies[LANG_COOKIE] !== q) reply.setCookie(LANG_COOKIE, q, { path: '/', maxAge: 365 * 86400, sameSite: 'lax', httpOnly: true, secure: config.cookieSecure });
    } else if (isLang(req.cookies[LANG_COOKIE])) lang = req.cookies[LANG_COOKIE] as Lang;
    else lang = langFromAcceptLanguage(req.headers['accept-language']);
    req.lang = lang ?? 'ja';
    req.t = translator(req.lang);

    const cfg = req.routeOptions.config as { auth?: RouteInfo['auth']; compat?: boolean };
    const authz = req.headers.authorization;
    if (authz && /^Bearer\s+/i.test(authz) && !cfg.compat) {
      const user = await ctx.auth.userForToken(authz.replace(/^Bearer\s+/i, '').trim());
      if (!user) throw new DomainError('token-invalid');
      req.user = user;
      req.authVia = 'token';
    } else {
      const cookie = req.cookies[SESSION_COOKIE];
      if (cookie) {
        const s = await ctx.auth.userForSession(cookie);
        if (s) {
          req.user = s.user;
          req.sessionHash = s.sessionHash;
          req.authVia = 'session';
        } else reply.clearCookie(SESSION_COOKIE, { path: '/' });
      }
    }
    if (cfg.auth) {
      if (!req.user) throw unauthenticated();
      if (cfg.auth !== 'signed-in' && !cfg.auth.includes(req.user.role)) throw forbidden();
    }
  });

  // CSRF on every cookie-borne write: forms carry _csrf, JSON clients on a session send x-csrf-token.
  // Token-authenticated clients carry no cookies and are exempt; compatibility APIs have their own rules.
  // An unknown route writes nothing, so it answers 404 rather than a misleading CSRF refusal.
  app.addHook('preValidation', (req, reply, done) => {
    const cfg = req.routeOptions.config as { compat?: boolean };
    if (!UNSAFE.has(req.method) || req.is404 || cfg.compat || req.authVia === 'token') return done();
    app.csrfProtection(req, reply, done);
  });

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => sendProblem(req, reply, 'not-found', `No route for ${req.method} ${req.url.split('?')[0]}`));

  app.get('/healthz', { schema: { tags: ['health'], summary: 'Process alive' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['health'], summary: 'Database reachable' } }, async (req, reply) => {
    try {
      await ping(ctx.db);
      return { status: 'ok', database: ctx.dialect };
    } catch (err) {
      req.log.error({ err }, 'readiness check failed');
      return sendProblem(req, reply, 'unavailable', 'The database is not reachable');
    }
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await assetRoutes(app);
  await errorDocsRoutes(app);
  await coreRoutes(app, ctx);

  for (const m of mods) m.registerMetrics?.(ctx);
  if (config.seedPlan) for (const m of mods) await m.seed?.(ctx);
  for (const m of mods) await app.register(async (scope) => m.routes(scope, ctx));

  app.addHook('onClose', async () => {
    if (!opts.handle) await handle.close();
  });
  return app;
}
