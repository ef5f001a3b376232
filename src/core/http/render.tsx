import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Lang, Translator } from '../i18n/index.js';
import type { AuthUser } from '../auth/service.js';
import type { NavItem } from '../context.js';

/** What a page component needs from the request. */
export interface PageCtx {
  lang: Lang;
  t: Translator;
  user: AuthUser | null;
  csrf: string;
  path: string;
  nav: NavItem[];
}

export function pageCtx(req: FastifyRequest, reply: FastifyReply): PageCtx {
  let csrf: string | undefined;
  return {
    lang: req.lang,
    t: req.t,
    user: req.user,
    // Made on first use: a page without a form sets no CSRF cookie, so public pages stay cacheable and cheap.
    get csrf() {
      csrf ??= reply.generateCsrf({ userInfo: req.sessionHash ?? 'anonymous' });
      return csrf;
    },
    path: req.url.split('?')[0] ?? '/',
    nav: req.server.nav,
  };
}

/** The URL of this page in another language. */
export function langHref(path: string, query: string, lang: Lang): string {
  const params = new URLSearchParams(query);
  params.set('lang', lang);
  return `${path}?${params.toString()}`;
}

export interface LayoutProps {
  ctx: PageCtx;
  title: string;
  query?: string;
  children: ComponentChildren;
  /** Printable pages drop the header and navigation. */
  bare?: boolean;
}

export function Layout({ ctx, title, query, children, bare }: LayoutProps): VNode {
  const { t, lang, user } = ctx;
  const other: Lang = lang === 'ja' ? 'en' : 'ja';
  const visibleNav = ctx.nav.filter((n) => !n.roles || (user && n.roles.includes(user.role)));
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} | ${t('site.name')}`}</title>
        <link rel="stylesheet" href="/assets/kabuto.css" />
        <link rel="alternate" hrefLang={other} href={langHref(ctx.path, query ?? '', other)} />
      </head>
      <body class={bare ? 'bare' : undefined}>
        <a class="skip-link" href="#main">
          {t('layout.skip')}
        </a>
        {!bare && (
          <header class="site-header">
            <div class="container header-row">
              <a class="brand" href="/">
                <span class="brand-name">{t('site.name')}</span>
                <span class="brand-tagline">{t('site.tagline')}</span>
              </a>
              <div class="header-tools">
                <a class="lang-switch" href={langHref(ctx.path, query ?? '', other)} hrefLang={other} lang={other} aria-label={`${t('layout.langSwitch')}: ${t('layout.langOther')}`}>
                  {t('layout.langOther')}
                </a>
                {user ? (
                  <div class="login-state">
                    <span>{t('layout.signedInAs', { name: user.displayName, role: t(`role.${user.role}`) })}</span>
                    <a href="/account">{t('layout.account')}</a>
                    <form method="post" action="/logout" class="inline-form">
                      <input type="hidden" name="_csrf" value={ctx.csrf} />
                      <button type="submit" class="button-link">
                        {t('layout.logout')}
                      </button>
                    </form>
                  </div>
                ) : (
                  <a href={`/login?next=${encodeURIComponent(ctx.path)}`}>{t('layout.login')}</a>
                )}
              </div>
            </div>
            <nav class="site-nav" aria-label={t('layout.nav')}>
              <ul class="container">
                {visibleNav.map((n) => (
                  <li>
                    <a href={n.href} aria-current={ctx.path === n.href ? 'page' : undefined}>
                      {t(n.label)}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </header>
        )}
        <main id="main" class="container" tabIndex={-1}>
          {children}
        </main>
        <footer class="site-footer">
          <div class="container">
            <p>
              {t('layout.footer.licence')}{' '}
              <a href="https://creativecommons.org/licenses/by/4.0/deed.ja" rel="license">
                {t('layout.footer.licenceLink')}
              </a>
            </p>
            <p>{t('layout.footer.source')}</p>
            <p>
              <a href="/api/docs">{t('layout.footer.api')}</a>
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}

export function renderHtml(vnode: VNode): string {
  return '<!doctype html>' + renderToString(vnode);
}


/** A page body built from the request context (so components can translate). */
export function page(req: FastifyRequest, reply: FastifyReply, title: string, build: (ctx: PageCtx) => ComponentChildren, opts: { status?: number; bare?: boolean } = {}): FastifyReply {
  const ctx = pageCtx(req, reply);
  const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
  const html = renderHtml(
    <Layout ctx={ctx} title={title} query={query} bare={opts.bare}>
      {build(ctx)}
    </Layout>,
  );
  return reply.status(opts.status ?? 200).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

/** Hidden CSRF field for forms. */
export function Csrf({ ctx }: { ctx: PageCtx }): VNode {
  return <input type="hidden" name="_csrf" value={ctx.csrf} />;
}
