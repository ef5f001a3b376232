import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { actorOf } from '../auth/service.js';
import { DomainError } from '../errors.js';
import { ROLES, type Role } from '../tables.js';
import { formatDateTime } from '../i18n/index.js';
import { Csrf, page, type PageCtx } from '../http/render.js';
import { fieldId, type FormState } from '../http/forms.js';
import { FormErrors, SelectField, TextField } from '../http/fields.js';

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

/**
 * The controls of one row of the users table. Every row has its own small forms with the same field
 * names, so their ids name the user (`role-7`), not the field alone as the core fields' ids do.
 */
const rowIds = (id: number): Record<string, string> => ({ role: `role-${id}`, scope: `scope-${id}`, org_id: `scope-${id}`, company_id: `scope-${id}`, active: `active-${id}` });

/** A refused change of one user's row: what was submitted there, and why it was refused. */
interface RowForm {
  userId: number;
  form: FormState;
}

/** Form values as single strings (a repeated field keeps its first value). */
function formValues(raw: unknown, names: string[]): Record<string, string> {
  const body = (raw ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const n of names) {
    const v: unknown = Array.isArray(body[n]) ? (body[n] as unknown[])[0] : body[n];
    if (typeof v === 'string' || typeof v === 'number') out[n] = String(v);
  }
  return out;
}

export async function adminRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const usersPage = async (req: FastifyRequest, reply: FastifyReply, refused?: RowForm, status = 200) => {
    const users = await ctx.auth.listUsers();
    const ids = refused ? rowIds(refused.userId) : {};
    /** Whether a control of the refused row has a problem, to mark it invalid. */
    const invalid = (u: number, ...fields: string[]) => (refused?.userId === u && refused.form.errors.some((e) => fields.includes(e.field)) ? 'true' : undefined);
    const submitted = (u: number, field: string) => (refused?.userId === u ? refused.form.values[field] : undefined);
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
          <FormErrors ctx={c} form={refused?.form} href={(field) => `#${ids[field] ?? fieldId(field)}`} />
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
                        <select id={`role-${u.id}`} name="role" aria-invalid={invalid(u.id, 'role')}>
                          {ROLES.map((r) => (
                            <option value={r} selected={r === (submitted(u.id, 'role') ?? u.role)}>
                              {c.t(`role.${r}`)}
                            </option>
                          ))}
                        </select>
                        <label class="visually-hidden" for={`scope-${u.id}`}>
                          {`${c.t('admin.scope')}: ${u.email}`}
                        </label>
                        <input id={`scope-${u.id}`} name="scope" type="text" value={submitted(u.id, 'scope') ?? u.org_id ?? u.company_id ?? ''} size={10} aria-invalid={invalid(u.id, 'org_id', 'company_id')} />{' '}
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
        return usersPage(req, reply, { userId: id, form: { values: formValues(req.body, ['role', 'scope']), errors: err.fields } }, 422);
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
      if (err instanceof DomainError && err.code === 'validation-failed') return usersPage(req, reply, { userId: id, form: { values: {}, errors: err.fields } }, 422);
      throw err;
    }
    return reply.redirect('/admin?done=1', 303);
  });

  const tokensPage = async (req: FastifyRequest, reply: FastifyReply, opts: { created?: string; form?: FormState; status?: number } = {}) => {
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
          <FormErrors ctx={c} form={opts.form} />
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
            <SelectField
              ctx={c}
              form={opts.form}
              name="user_id"
              label={c.t('admin.tokenUser')}
              options={users.filter((u) => u.active).map((u) => ({ value: String(u.id), label: u.email }))}
            />
            <TextField ctx={c} form={opts.form} name="name" label={c.t('admin.tokenName')} maxLength={100} required />
            <TextField ctx={c} form={opts.form} name="expires_at" type="date" label={c.t('admin.tokenExpires')} />
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
    // A refused token comes back with what was chosen and typed.
    const values = formValues(req.body, ['user_id', 'name', 'expires_at']);
    const refuse = (errors: FormState['errors']) => tokensPage(req, reply, { form: { values, errors }, status: 422 });
    const userId = Number(body.user_id);
    const user = Number.isInteger(userId) ? await ctx.auth.getUser(userId) : undefined;
    if (!user) return refuse([{ field: 'user_id', message: 'unknown user', key: 'admin.tokenUserUnknown' }]);
    try {
      // A date without a time expires at the end of that day in Japan.
      const expires = body.expires_at ? new Date(`${body.expires_at}T23:59:59+09:00`).toISOString() : null;
      const { token } = await ctx.auth.createToken(actorOf(req.user, req.id), user.id, body.name ?? '', expires);
      return tokensPage(req, reply, { created: token });
    } catch (err) {
      if (err instanceof DomainError && err.code === 'validation-failed') return refuse(err.fields);
      if (err instanceof RangeError) return refuse([{ field: 'expires_at', message: 'not a date', key: 'admin.tokenDateInvalid' }]);
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
