import type { Lang, Translator } from '../i18n/index.js';
import type { AuthUser } from '../auth/service.js';
import type { Role } from '../tables.js';
import type { AppContext, NavItem } from '../context.js';

declare module 'fastify' {
  interface FastifyRequest {
    lang: Lang;
    t: Translator;
    user: AuthUser | null;
    /** How the caller authenticated: a session cookie, an API token, or not at all. */
    authVia: 'session' | 'token' | null;
    sessionHash: string | null;
  }
  interface FastifyInstance {
    kabuto: AppContext;
    nav: NavItem[];
  }
  interface FastifyContextConfig {
    /**
     * Who may call the route. Every write route (POST, PUT, PATCH, DELETE) must declare `auth` or
     * `public: true`; buildApp refuses to register one that declares neither.
     * `signed-in`: any signed-in user. A list: those roles only.
     */
    auth?: readonly Role[] | 'signed-in';
    /** A route anyone may call (login, a compatibility API with its own checks). */
    public?: boolean;
    /** A compatibility API (CKAN) that keeps its own error envelope and token rules. */
    compat?: boolean;
  }
}

export {};
