import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { actorOf } from './service.js';
import { DomainError, type FieldProblem } from '../errors.js';
import { Csrf, ErrorSummary, fieldError, localizeFields, page, type PageCtx } from '../http/render.js';
import { SESSION_COOKIE } from '../../app.js';
import { adminRoutes } from '../admin/routes.js';

/** A local path to go back to after sign-in; anything else (another host, a scheme) is refused. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[^\s\\]*$/.test(next) && !next.startsWith('/login') ? next : '/';
}

function LoginForm({ ctx, next, email, errors, message }: { ctx: PageCtx; next: string; email: string; errors: FieldProblem[]; message?: string }) {
  const { t } = ctx;
  return (
    <>
      <h1>{t('login.title')}</h1>
      {message ? (
        <div class="error-summary" role="alert" tabIndex={-1}>
          <p>{message}</p>
        </div>
      ) : (
        <ErrorSummary ctx={ctx} errors={errors} />
      )}
      <form method="post" action="/login" class="stack" novalidate>
        <Csrf ctx={ctx} />
        <input type="hidden" name="next" value={next} />
        <div class={fieldError(errors, 'email') ? 'has-error' : undefined}>
          <label for="email">{t('login.email')}</label>
          {fieldError(errors, 'email') && <p class="field-error">{fieldError(errors, 'email')}</p>}
          <input id="email" name="email" type="email" autocomplete="username" value={email} required />
        </div>
        <div>
          <label for="password">{t('login.password')}</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
        </div>
        <div>
          <button type="submit">{t('login.submit')}</button>
        </div>
      </form>
    </>
  );
}

export async function coreRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/', { schema: { hide: true } }, async (req, reply) =>
    page(req, reply, req.t('home.title'), ({ t }) => (
      <>
        <h1>{t('home.title')}</h1>
        <p class="lead">{t('home.lead')}</p>
        <ul>
          <li>
            <a href="/plan">{t('home.plan')}</a>
          </li>
          <li>
            <a href="/plan/annual">{t('home.annual')}</a>
          </li>
        </ul>
        <h2>{t('home.modules')}</h2>
        <ul>
          <li>{t('home.module.plan')}</li>
          <li>{t('home.module.soon')}</li>
        </ul>
      </>
    )),
  );

  app.get('/login', { schema: { hide: true } }, async (req, reply) => {
    const next = safeNext((req.query as Record<string, unknown>).next);
    if (req.user) return reply.redirect(next, 303);
    return page(req, reply, req.t('login.title'), (c) => <LoginForm ctx={c} next={next} email="" errors={[]} />);
  });

  app.post('/login', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string>;
    const email = String(body.email ?? '').trim();
    const next = safeNext(body.next);
    try {
      const user = await ctx.auth.verifyLogin(email, String(body.password ?? ''), req.ip);
      const token = await ctx.auth.createSession(user, req.headers['user-agent']);
      reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: ctx.config.cookieSecure, maxAge: ctx.config.sessionDays * 86400 });
      return reply.redirect(next, 303);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const key = err.code === 'rate-limited' ? 'login.throttled' : err.code === 'account-inactive' ? 'login.inactive' : 'login.failed';
      if (err.code === 'rate-limited') reply.header('retry-after', String(err.extra.retryAfter ?? 900));
      return page(req, reply, req.t('login.title'), (c) => <LoginForm ctx={c} next={next} email={email} errors={[]} message={c.t(key)} />, { status: err.status });
    }
  });

  app.post('/logout', { config: { auth: 'signed-in' }, schema: { hide: true } }, async (req, reply) => {
    const cookie = req.cookies[SESSION_COOKIE];
    if (cookie) await ctx.auth.destroySession(cookie);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/', 303);
  });

  const accountPage = (req: FastifyRequest, reply: FastifyReply, errors: FieldProblem[], done: boolean, status = 200) =>
    page(
      req,
      reply,
      req.t('account.title'),
      (c) => (
        <>
          <h1>{c.t('account.title')}</h1>
          <dl class="meta">
            <dt>{c.t('admin.email')}</dt>
            <dd>{c.user?.email}</dd>
            <dt>{c.t('admin.role')}</dt>
            <dd>{c.t(`role.${c.user?.role}`)}</dd>
          </dl>
          <h2>{c.t('account.password')}</h2>
          {done && (
            <p class="notice" role="status">
              {c.t('account.changed')}
            </p>
          )}
          <ErrorSummary ctx={c} errors={errors} />
          <form method="post" action="/account/password" class="stack">
            <Csrf ctx={c} />
            {(
              [
                ['current_password', 'account.current', 'current-password'],
                ['new_password', 'account.new', 'new-password'],
                ['confirm_password', 'account.confirm', 'new-password'],
              ] as const
            ).map(([name, label, ac]) => (
              <div class={fieldError(errors, name) ? 'has-error' : undefined}>
                <label for={name}>{c.t(label)}</label>
                {fieldError(errors, name) && <p class="field-error">{fieldError(errors, name)}</p>}
                <input id={name} name={name} type="password" autocomplete={ac} required />
              </div>
            ))}
            <div>
              <button type="submit">{c.t('account.submit')}</button>
            </div>
          </form>
        </>
      ),
      { status },
    );

  app.get('/account', { config: { auth: 'signed-in' }, schema: { hide: true } }, async (req, reply) => accountPage(req, reply, [], (req.query as Record<string, string>).done === '1'));

  app.post('/account/password', { config: { auth: 'signed-in' }, schema: { hide: true } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string>;
    if ((body.new_password ?? '') !== (body.confirm_password ?? '')) {
      return accountPage(req, reply, [{ field: 'confirm_password', message: req.t('account.mismatch') }], false, 422);
    }
    try {
      await ctx.auth.changePassword(actorOf(req.user, req.id), req.user!.id, body.current_password ?? '', body.new_password ?? '', req.sessionHash ?? undefined);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'validation-failed') return accountPage(req, reply, localizeFields(req.t, err.fields), false, 422);
      throw err;
    }
    return reply.redirect('/account?done=1', 303);
  });

  await adminRoutes(app, ctx);
}
