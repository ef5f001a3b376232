import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { actorOf } from '../auth/service.js';
import { DomainError } from '../errors.js';
import { ROLES, type Role } from '../tables.js';
import { formatDateTime } from '../i18n/index.js';
import { Csrf, ErrorSummary, localizeFields, page, type PageCtx } from '../http/render.js';

const ADMIN = { auth: ['admin'] as const };
const AUDIT_PAGE = 50;

function AdminNav({ ctx, current }: { ctx: PageCtx; current: string }) {
  const items = [
    ['/admin', 'admin.users'],
    ['/admin/tokens', 'admin.tokens'],
    ['/admin/audit', 'admin.audit'],
  ] as const;
  return (
    <nav aria-label={ctx.t('admin.title')}>
      <ul class="inline-list">
        {items.map(([href, key]) => (
          <li>
            <a href={href} aria-current={current === href ? 'page' : undefined}>
              {ctx.t(key)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function idParam(req: FastifyRequest): number {
  const id = Number((req.params as Record<string, string>).id);
  if (!Number.isInteger(id) || id <= 0) throw new DomainError('not-found', 'not found');
  return id;
}

export async function adminRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const usersPage = async (req: FastifyRequest, reply: FastifyReply, errors: { field: string; message: string }[] = [], status = 200) => {
    const users = await ctx.auth.listUsers();
    const done = (req.query as Record<string, string>).done === '1';
    return page(
      req,
      reply,
      req.t('admin.users'),
      (c) => (
        <>
          <h1>{c.t('admin.title')}</h1>
          <AdminNav ctx={c} current="/admin" />
          <h2>{c.t('admin.users')}</h2>
          {done && (
            <p class="notice" role="status">
              {c.t('admin.done')}
            </p>
          )}
          <ErrorSummary ctx={c} errors={errors} />
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{c.t('admin.email')}</th>
                  <th scope="col">{c.t('admin.name')}</th>
                  <th scope="col">{c.t('admin.role')}</th>
                  <th scope="col">{c.t('admin.scope')}</th>
                  <th scope="col">{c.t('admin.status')}</th>
                  <th scope="col">{c.t('admin.changeRole')}</th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr>
                    <td>{u.email}</td>
                    <td>{u.display_name}</td>
                    <td>{c.t(`role.${u.role}`)}</td>
                    <td>{u.org_id ?? u.company_id ?? ''}</td>
                    <td>
                      {u.active ? c.t('admin.active') : c.t('admin.inactive')}
                      <form method="post" action={`/admin/users/${u.id}/active`} class="inline-form">
                        <Csrf ctx={c} />
                        <input type="hidden" name="active" value={u.active ? '0' : '1'} />{' '}
                        <button type="submit" id={`active-${u.id}`} class="button-link" aria-label={`${u.active ? c.t('admin.deactivate') : c.t('admin.activate')}: ${u.email}`}>
                          {u.active ? c.t('admin.deactivate') : c.t('admin.activate')}
                        </button>
                      </form>
                    </td>
                    <td>
                      <form method="post" action={`/admin/users/${u.id}/role`} class="inline-form">
                        <Csrf ctx={c} />
                        <label class="visually-hidden" for={`role-${u.id}`}>
                          {`${c.t('admin.role')}: ${u.email}`}
                        </label>
                        <select id={`role-${u.id}`} name="role">
                          {ROLES.map((r) => (
                            <option value={r} selected={r === u.role}>
                              {c.t(`role.${r}`)}
                            </option>
                          ))}
                        </select>
                        <label class="visually-hidden" for={`scope-${u.id}`}>
                          {`${c.t('admin.scope')}: ${u.email}`}
                        </label>
                        <input id={`scope-${u.id}`} name="scope" type="text" value={u.org_id ?? u.company_id ?? ''} size={10} />{' '}
                        <button type="submit" class="secondary">
                          {c.t('admin.save')}
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ),
      { status },
    );
  };

  app.get('/admin', { config: ADMIN, schema: { hide: true } }, async (req, reply) => usersPage(req, reply));

  app.post('/admin/users/:id/role', { config: ADMIN, schema: { hide: true } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string>;
    const role = body.role as Role;
    const scope = (body.scope ?? '').trim() || null;
    const id = idParam(req);
    try {
      await ctx.auth.setRole(actorOf(req.user, req.id), id, role, { orgId: role === 'publisher' ? scope : null, companyId: role === 'member' ? scope : null });
    } catch (err) {
      if (err instanceof DomainError && err.code === 'validation-failed') {
        return usersPage(req, reply, localizeFields(req.t, err.fields, { role: `role-${id}`, org_id: `scope-${id}`, company_id: `scope-${id}` }), 422);
      }
      throw err;
    }
    return reply.redirect('/admin?done=1', 303);
  });

  app.post('/admin/users/:id/active', { config: ADMIN, schema: { hide: true } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string>;
    const id = idParam(req);
    try {
      await ctx.auth.setActive(actorOf(req.user, req.id), id, body.active === '1');
    } catch (err) {
      if (err instanceof DomainError && err.code === 'validation-failed') return usersPage(req, reply, localizeFields(req.t, err.fields, { active: `active-${id}` }), 422);
      throw err;
    }
    return reply.redirect('/admin?done=1', 303);
  });

  const tokensPage = async (req: FastifyRequest, reply: FastifyReply, opts: { created?: string; errors?: { field: string; message: string }[]; status?: number } = {}) => {
    const [tokens, users] = await Promise.all([ctx.auth.listTokens(), ctx.auth.listUsers()]);
    const now = ctx.clock.now().toISOString();
    return page(
      req,
      reply,
      req.t('admin.tokens'),
      (c) => (
        <>
          <h1>{c.t('admin.title')}</h1>
          <AdminNav ctx={c} current="/admin/tokens" />
          <h2>{c.t('admin.tokens')}</h2>
          {opts.created && (
            <div class="notice" role="status">
              <p>{c.t('admin.tokenShownOnce')}</p>
              <p>
                <code id="new-token">{opts.created}</code>
              </p>
            </div>
          )}
          <ErrorSummary ctx={c} errors={opts.errors ?? []} />
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{c.t('admin.tokenName')}</th>
                  <th scope="col">{c.t('admin.tokenUser')}</th>
                  <th scope="col">{c.t('admin.tokenPrefix')}</th>
                  <th scope="col">{c.t('admin.tokenCreated')}</th>
                  <th scope="col">{c.t('admin.tokenExpires')}</th>
                  <th scope="col">{c.t('admin.tokenLastUsed')}</th>
                  <th scope="col">{c.t('admin.status')}</th>
                </tr>
              </thead>
              <tbody>
                {tokens.length === 0 && (
                  <tr>
                    <td colSpan={7}>{c.t('admin.none')}</td>
                  </tr>
                )}
                {tokens.map((tk) => (
                  <tr>
                    <td>{tk.name}</td>
                    <td>{tk.email}</td>
                    <td>
                      <code>{tk.prefix}…</code>
                    </td>
                    <td>{formatDateTime(tk.created_at, c.lang)}</td>
                    <td>{tk.expires_at ? formatDateTime(tk.expires_at, c.lang) : c.t('admin.never')}</td>
                    <td>{tk.last_used_at ? formatDateTime(tk.last_used_at, c.lang) : c.t('admin.never')}</td>
                    <td>
                      {tk.revoked_at ? (
                        `${c.t('admin.tokenRevoked')} ${formatDateTime(tk.revoked_at, c.lang)}`
                      ) : tk.expires_at && tk.expires_at <= now ? (
                        c.t('admin.inactive')
                      ) : (
                        <form method="post" action={`/admin/tokens/${tk.id}/revoke`} class="inline-form">
                          <Csrf ctx={c} />
                          <button type="submit" class="secondary" aria-label={`${c.t('admin.revoke')}: ${tk.name}`}>
                            {c.t('admin.revoke')}
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>{c.t('admin.tokenNew')}</h2>
          <form method="post" action="/admin/tokens" class="stack">
            <Csrf ctx={c} />
            <div>
              <label for="token-user">{c.t('admin.tokenUser')}</label>
              <select id="token-user" name="user_id">
                {users
                  .filter((u) => u.active)
                  .map((u) => (
                    <option value={String(u.id)}>{u.email}</option>
                  ))}
              </select>
            </div>
            <div>
              <label for="token-name">{c.t('admin.tokenName')}</label>
              <input id="token-name" name="name" type="text" required maxLength={100} />
            </div>
            <div>
              <label for="token-expires">{c.t('admin.tokenExpires')}</label>
              <input id="token-expires" name="expires_at" type="date" />
            </div>
            <div>
              <button type="submit">{c.t('admin.tokenNew')}</button>
            </div>
          </form>
        </>
      ),
      { status: opts.status ?? 200 },
    );
  };

  app.get('/admin/tokens', { config: ADMIN, schema: { hide: true } }, async (req, reply) => tokensPage(req, reply));

  app.post('/admin/tokens', { config: ADMIN, schema: { hide: true } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string>;
    const userId = Number(body.user_id);
    const user = Number.isInteger(userId) ? await ctx.auth.getUser(userId) : undefined;
    if (!user) return tokensPage(req, reply, { errors: localizeFields(req.t, [{ field: 'token-user', message: 'unknown user', key: 'admin.tokenUserUnknown' }]), status: 422 });
    try {
      // A date without a time expires at the end of that day in Japan.
      const expires = body.expires_at ? new Date(`${body.expires_at}T23:59:59+09:00`).toISOString() : null;
      const { token } = await ctx.auth.createToken(actorOf(req.user, req.id), user.id, body.name ?? '', expires);
      return tokensPage(req, reply, { created: token });
    } catch (err) {
      if (err instanceof DomainError && err.code === 'validation-failed') return tokensPage(req, reply, { errors: localizeFields(req.t, err.fields, { name: 'token-name', expires_at: 'token-expires' }), status: 422 });
      if (err instanceof RangeError) return tokensPage(req, reply, { errors: localizeFields(req.t, [{ field: 'token-expires', message: 'not a date', key: 'admin.tokenDateInvalid' }]), status: 422 });
      throw err;
    }
  });

  app.post('/admin/tokens/:id/revoke', { config: ADMIN, schema: { hide: true } }, async (req, reply) => {
    await ctx.auth.revokeToken(actorOf(req.user, req.id), idParam(req));
    return reply.redirect('/admin/tokens', 303);
  });

  app.get('/admin/audit', { config: ADMIN, schema: { hide: true } }, async (req, reply) => {
    const q = req.query as Record<string, string>;
    const pageNo = Math.max(1, Number.parseInt(q.page ?? '1', 10) || 1);
    let query = ctx.db.selectFrom('audit_log').selectAll();
    if (q.entity) query = query.where('entity_type', '=', q.entity);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(AUDIT_PAGE + 1)
      .offset((pageNo - 1) * AUDIT_PAGE)
      .execute();
    const more = rows.length > AUDIT_PAGE;
    // The pager keeps the entity filter, so "next" pages through the same view.
    const pageHref = (n: number) => `/admin/audit?${new URLSearchParams({ ...(q.entity ? { entity: q.entity } : {}), page: String(n) }).toString()}`;
    return page(req, reply, req.t('admin.audit'), (c) => (
      <>
        <h1>{c.t('admin.title')}</h1>
        <AdminNav ctx={c} current="/admin/audit" />
        <h2>{c.t('admin.audit')}</h2>
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{c.t('admin.auditAt')}</th>
                <th scope="col">{c.t('admin.auditActor')}</th>
                <th scope="col">{c.t('admin.auditAction')}</th>
                <th scope="col">{c.t('admin.auditEntity')}</th>
                <th scope="col">{c.t('admin.auditBefore')}</th>
                <th scope="col">{c.t('admin.auditAfter')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.slice(0, AUDIT_PAGE).map((r) => (
                <tr>
                  <td>{formatDateTime(r.at, c.lang)}</td>
                  <td>{r.actor_label}</td>
                  <td>
                    <code>{r.action}</code>
                  </td>
                  <td>
                    {r.entity_type} {r.entity_id}
                  </td>
                  <td>
                    <pre class="json">{r.before_json ?? ''}</pre>
                  </td>
                  <td>
                    <pre class="json">{r.after_json ?? ''}</pre>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <nav aria-label={c.t('pager.label')}>
          {pageNo > 1 && <a href={pageHref(pageNo - 1)}>{c.t('pager.prev')}</a>} {more && <a href={pageHref(pageNo + 1)}>{c.t('pager.next')}</a>}
        </nav>
      </>
    ));
  });
}
