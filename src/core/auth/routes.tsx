import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { actorOf } from './service.js';
import { DomainError, type FieldProblem } from '../errors.js';
import { Csrf, page, type PageCtx } from '../http/render.js';
import { emptyForm, type FormState } from '../http/forms.js';
import { FormErrors, PasswordField, TextField } from '../http/fields.js';
import { SESSION_COOKIE } from '../../app.js';
import { adminRoutes } from '../admin/routes.js';

/** A local path to go back to after sign-in; anything else (another host, a scheme) is refused. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[^\s\\]*$/.test(next) && !next.startsWith('/login') ? next : '/';
}

/**
 * A password field laid out as the core fields are (src/core/http/fields.tsx has no password type):
 * the label bound through the field id, the problem read out with the control, never refilled.
 */
/** The sign-in form; a refused sign-in says why in `message`, the same for every wrong email or password. */
function LoginForm({ ctx, next, form, message }: { ctx: PageCtx; next: string; form: FormState; message?: string }) {
  const { t } = ctx;
  return (
    <>
      <h1>{t('login.title')}</h1>
      {message ? (
        <div class="error-summary" role="alert" tabIndex={-1}>
          <p>{message}</p>
        </div>
      ) : (
        <FormErrors ctx={ctx} form={form} />
      )}
      <form method="post" action="/login" class="stack" novalidate>
        <Csrf ctx={ctx} />
        <input type="hidden" name="next" value={next} />
        <TextField ctx={ctx} form={form} name="email" type="email" label={t('login.email')} autocomplete="username" required />
        <PasswordField ctx={ctx} form={form} name="password" label={t('login.password')} autocomplete="current-password" required />
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
    return page(req, reply, req.t('login.title'), (c) => <LoginForm ctx={c} next={next} form={emptyForm()} />);
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
      return page(req, reply, req.t('login.title'), (c) => <LoginForm ctx={c} next={next} form={emptyForm({ email })} message={c.t(key)} />, { status: err.status });
    }
  });

  app.post('/logout', { config: { auth: 'signed-in' }, schema: { hide: true } }, async (req, reply) => {
    const cookie = req.cookies[SESSION_COOKIE];
    if (cookie) await ctx.auth.destroySession(cookie);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/', 303);
  });

  // Passwords are never written back into the form: only the problems are shown again.
  const accountPage = (req: FastifyRequest, reply: FastifyReply, problems: FieldProblem[], done: boolean, status = 200) => {
    const form: FormState = { values: {}, errors: problems };
    return page(
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
          <FormErrors ctx={c} form={form} />
          <form method="post" action="/account/password" class="stack">
            <Csrf ctx={c} />
            <PasswordField ctx={c} form={form} name="current_password" label={c.t('account.current')} autocomplete="current-password" required />
            <PasswordField ctx={c} form={form} name="new_password" label={c.t('account.new')} autocomplete="new-password" required />
            <PasswordField ctx={c} form={form} name="confirm_password" label={c.t('account.confirm')} autocomplete="new-password" required />
            <div>
              <button type="submit">{c.t('account.submit')}</button>
            </div>
          </form>
        </>
      ),
      { status },
    );
  };

  app.get('/account', { config: { auth: 'signed-in' }, schema: { hide: true } }, async (req, reply) => accountPage(req, reply, [], (req.query as Record<string, string>).done === '1'));

  app.post('/account/password', { config: { auth: 'signed-in' }, schema: { hide: true } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string>;
    if ((body.new_password ?? '') !== (body.confirm_password ?? '')) {
      return accountPage(req, reply, [{ field: 'confirm_password', message: 'does not match the new password', key: 'account.mismatch' }], false, 422);
    }
    try {
      await ctx.auth.changePassword(actorOf(req.user, req.id), req.user!.id, body.current_password ?? '', body.new_password ?? '', req.sessionHash ?? undefined);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'validation-failed') return accountPage(req, reply, err.fields, false, 422);
      throw err;
    }
    return reply.redirect('/account?done=1', 303);
  });

  await adminRoutes(app, ctx);
}
