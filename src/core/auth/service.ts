import argon2 from 'argon2';
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { Clock } from '../clock.js';
import { audit, type Actor } from '../audit.js';
import { DomainError, validation } from '../errors.js';
import { ROLES, type Role } from '../tables.js';

export interface AuthUser {
  id: number;
  email: string;
  displayName: string;
  role: Role;
  orgId: string | null;
  companyId: string | null;
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export const newSecret = (bytes = 32) => randomBytes(bytes).toString('base64url');

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MIN_PASSWORD = 12;
const SESSION_TOUCH_MS = 5 * 60 * 1000;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const LOGIN_MAX_FAILURES = 5;

// argon2id with OWASP's recommended minimum (m=19 MiB, t=2, p=1).
const ARGON = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON);
}

function toAuthUser(r: { id: number; email: string; display_name: string; role: Role; org_id: string | null; company_id: string | null }): AuthUser {
  return { id: r.id, email: r.email, displayName: r.display_name, role: r.role, orgId: r.org_id, companyId: r.company_id };
}

export function actorOf(user: AuthUser | null, requestId?: string): Actor {
  return user ? { id: user.id, label: user.email, role: user.role, requestId } : { id: null, label: 'anonymous', role: null, requestId };
}

export interface NewUser {
  email: string;
  role: Role;
  password: string;
  displayName?: string;
  orgId?: string | null;
  companyId?: string | null;
}

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly sessionDays: number,
  ) {}

  validateNewUser(u: NewUser): void {
    const problems = [];
    if (!EMAIL.test(u.email)) problems.push({ field: 'email', message: 'must be an email address' });
    if (!ROLES.includes(u.role)) problems.push({ field: 'role', message: `must be one of ${ROLES.join(', ')}` });
    if (u.password.length < MIN_PASSWORD) problems.push({ field: 'password', message: `must be at least ${MIN_PASSWORD} characters` });
    if (u.role === 'publisher' && !u.orgId) problems.push({ field: 'org', message: 'a publisher is scoped to one catalog organization: give --org' });
    if (u.role === 'member' && !u.companyId) problems.push({ field: 'company', message: 'a member is scoped to one company: give --company' });
    if (u.role !== 'publisher' && u.orgId) problems.push({ field: 'org', message: 'only a publisher has an organization' });
    if (u.role !== 'member' && u.companyId) problems.push({ field: 'company', message: 'only a member has a company' });
    if (problems.length) throw validation(problems);
  }

  async createUser(actor: Actor, u: NewUser): Promise<AuthUser> {
    const email = u.email.trim().toLowerCase();
    this.validateNewUser({ ...u, email });
    const hash = await hashPassword(u.password);
    const now = this.clock.now().toISOString();
    return this.db.transaction().execute(async (trx) => {
      const exists = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
      if (exists) throw new DomainError('conflict', `a user with email ${email} exists`, [{ field: 'email', message: 'already taken' }]);
      const row = await trx
        .insertInto('users')
        .values({
          email,
          display_name: u.displayName ?? email.split('@')[0] ?? email,
          password_hash: hash,
          role: u.role,
          org_id: u.orgId ?? null,
          company_id: u.companyId ?? null,
          active: 1,
          created_at: now,
          updated_at: now,
          password_changed_at: now,
        })
        .returning(['id', 'email', 'display_name', 'role', 'org_id', 'company_id'])
        .executeTakeFirstOrThrow();
      const user = toAuthUser(row);
      await audit(trx, this.clock, actor, { action: 'user.create', entityType: 'user', entityId: user.id, after: user });
      return user;
    });
  }

  async findByEmail(email: string) {
    return this.db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
  }

  async getUser(id: number): Promise<AuthUser | undefined> {
    const r = await this.db.selectFrom('users').select(['id', 'email', 'display_name', 'role', 'org_id', 'company_id']).where('id', '=', id).executeTakeFirst();
    return r && toAuthUser(r);
  }

  /** Throttle by email and by client address: failures in a sliding window, counted in the database. */
  async checkLoginThrottle(email: string, ip: string): Promise<void> {
    const since = new Date(this.clock.now().getTime() - LOGIN_WINDOW_MS).toISOString();
    const keys = [`email:${email.trim().toLowerCase()}`, `ip:${ip}`];
    for (const key of keys) {
      const r = await this.db
        .selectFrom('login_attempts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('key', '=', key)
        .where('at', '>=', since)
        .executeTakeFirstOrThrow();
      const limit = key.startsWith('ip:') ? LOGIN_MAX_FAILURES * 4 : LOGIN_MAX_FAILURES;
      if (Number(r.n) >= limit) throw new DomainError('rate-limited', 'Too many failed sign-ins; try again in 15 minutes', [], { retryAfter: LOGIN_WINDOW_MS / 1000 });
    }
  }

  private async recordFailure(email: string, ip: string): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.db
      .insertInto('login_attempts')
      .values([
        { key: `email:${email.trim().toLowerCase()}`, at },
        { key: `ip:${ip}`, at },
      ])
      .execute();
    const old = new Date(this.clock.now().getTime() - 2 * LOGIN_WINDOW_MS).toISOString();
    await this.db.deleteFrom('login_attempts').where('at', '<', old).execute();
  }

  /** Check email and password; throws invalid-credentials (same message whether the email exists or not). */
  async verifyLogin(email: string, password: string, ip: string): Promise<AuthUser> {
    await this.checkLoginThrottle(email, ip);
    const row = await this.findByEmail(email);
    const ok = row ? await argon2.verify(row.password_hash, password).catch(() => false) : await argon2.verify(DUMMY_HASH, password).catch(() => false);
    if (!row || !ok) {
      await this.recordFailure(email, ip);
      throw new DomainError('invalid-credentials');
    }
    if (!row.active) throw new DomainError('account-inactive', 'This account has been deactivated');
    return toAuthUser(row);
  }

  async createSession(user: AuthUser, userAgent: string | undefined): Promise<string> {
    const token = newSecret();
    const now = this.clock.now();
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: sha256(token),
        user_id: user.id,
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: new Date(now.getTime() + this.sessionDays * 86400_000).toISOString(),
        user_agent: userAgent?.slice(0, 200) ?? null,
      })
      .execute();
    return token;
  }

  /** The user of a session cookie, or null. Touches the session at most every few minutes. */
  async userForSession(token: string): Promise<{ user: AuthUser; sessionHash: string } | null> {
    const hash = sha256(token);
    const now = this.clock.now();
    const r = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.id', 'users.email', 'users.display_name', 'users.role', 'users.org_id', 'users.company_id', 'users.active', 'sessions.last_seen_at', 'sessions.expires_at'])
      .where('sessions.id_hash', '=', hash)
      .executeTakeFirst();
    if (!r || !r.active || r.expires_at <= now.toISOString()) return null;
    if (now.getTime() - Date.parse(r.last_seen_at) > SESSION_TOUCH_MS) {
      await this.db
        .updateTable('sessions')
        .set({ last_seen_at: now.toISOString(), expires_at: new Date(now.getTime() + this.sessionDays * 86400_000).toISOString() })
        .where('id_hash', '=', hash)
        .execute();
    }
    return { user: toAuthUser(r), sessionHash: hash };
  }

  async destroySession(token: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', sha256(token)).execute();
  }

  async changePassword(actor: Actor, userId: number, current: string, next: string, keepSessionHash?: string): Promise<void> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
    if (!(await argon2.verify(row.password_hash, current).catch(() => false))) {
      throw validation([{ field: 'current_password', message: 'is not your current password', key: 'account.wrongCurrent' }]);
    }
    if (next.length < MIN_PASSWORD) throw validation([{ field: 'new_password', message: `must be at least ${MIN_PASSWORD} characters`, key: 'account.tooShort', params: { min: MIN_PASSWORD } }]);
    const hash = await hashPassword(next);
    const now = this.clock.now().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ password_hash: hash, password_changed_at: now, updated_at: now }).where('id', '=', userId).execute();
      // Other sessions end: a changed password must lock out whoever knew the old one.
      let del = trx.deleteFrom('sessions').where('user_id', '=', userId);
      if (keepSessionHash) del = del.where('id_hash', '!=', keepSessionHash);
      await del.execute();
      await audit(trx, this.clock, actor, { action: 'user.password-change', entityType: 'user', entityId: userId, before: { password: 'x' }, after: { password: 'x' } });
    });
  }

  async listUsers() {
    return this.db.selectFrom('users').select(['id', 'email', 'display_name', 'role', 'org_id', 'company_id', 'active', 'created_at']).orderBy('id').execute();
  }

  async setRole(actor: Actor, userId: number, role: Role, scope: { orgId?: string | null; companyId?: string | null } = {}): Promise<void> {
    if (!ROLES.includes(role)) throw validation([{ field: 'role', message: `must be one of ${ROLES.join(', ')}`, key: 'admin.roleUnknown' }]);
    const before = await this.db.selectFrom('users').select(['id', 'role', 'org_id', 'company_id']).where('id', '=', userId).executeTakeFirst();
    if (!before) throw new DomainError('not-found', 'user not found');
    const orgId = role === 'publisher' ? (scope.orgId ?? before.org_id) : null;
    const companyId = role === 'member' ? (scope.companyId ?? before.company_id) : null;
    if (role === 'publisher' && !orgId) throw validation([{ field: 'org_id', message: 'a publisher needs an organization', key: 'admin.needOrg' }]);
    if (role === 'member' && !companyId) throw validation([{ field: 'company_id', message: 'a member needs a company', key: 'admin.needCompany' }]);
    if (actor.id === userId && role !== 'admin') throw validation([{ field: 'role', message: 'you cannot remove your own admin role', key: 'admin.selfDemote' }]);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ role, org_id: orgId, company_id: companyId, updated_at: this.clock.now().toISOString() }).where('id', '=', userId).execute();
      await audit(trx, this.clock, actor, { action: 'user.role-change', entityType: 'user', entityId: userId, before, after: { id: userId, role, org_id: orgId, company_id: companyId } });
    });
  }

  async setActive(actor: Actor, userId: number, active: boolean): Promise<void> {
    const before = await this.db.selectFrom('users').select(['id', 'active']).where('id', '=', userId).executeTakeFirst();
    if (!before) throw new DomainError('not-found', 'user not found');
    if (actor.id === userId && !active) throw validation([{ field: 'active', message: 'you cannot deactivate yourself', key: 'admin.selfDeactivate' }]);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ active: active ? 1 : 0, updated_at: this.clock.now().toISOString() }).where('id', '=', userId).execute();
      if (!active) {
        await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
        await trx.updateTable('api_tokens').set({ revoked_at: this.clock.now().toISOString() }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
      }
      await audit(trx, this.clock, actor, { action: active ? 'user.activate' : 'user.deactivate', entityType: 'user', entityId: userId, before, after: { id: userId, active: active ? 1 : 0 } });
    });
  }

  /** Create an API token; the clear value is returned once and only its hash is stored. */
  async createToken(actor: Actor, userId: number, name: string, expiresAt: string | null): Promise<{ id: number; token: string }> {
    if (!name.trim()) throw validation([{ field: 'name', message: 'is required', key: 'admin.tokenNameRequired' }]);
    if (expiresAt !== null && (Number.isNaN(Date.parse(expiresAt)) || expiresAt <= this.clock.now().toISOString())) {
      throw validation([{ field: 'expires_at', message: 'must be a date in the future', key: 'admin.tokenExpiryPast' }]);
    }
    const token = `kbt_${newSecret(30)}`;
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('api_tokens')
        .values({ user_id: userId, name: name.trim().slice(0, 100), token_hash: sha256(token), prefix: token.slice(0, 10), created_at: this.clock.now().toISOString(), expires_at: expiresAt ? new Date(expiresAt).toISOString() : null, revoked_at: null, last_used_at: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      await audit(trx, this.clock, actor, { action: 'token.create', entityType: 'api_token', entityId: row.id, after: { id: row.id, user_id: userId, name, expires_at: expiresAt } });
      return { id: row.id, token };
    });
  }

  async userForToken(token: string): Promise<AuthUser | null> {
    const now = this.clock.now().toISOString();
    const r = await this.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select(['users.id', 'users.email', 'users.display_name', 'users.role', 'users.org_id', 'users.company_id', 'users.active', 'api_tokens.id as token_id', 'api_tokens.expires_at', 'api_tokens.revoked_at', 'api_tokens.last_used_at'])
      .where('api_tokens.token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!r || !r.active || r.revoked_at || (r.expires_at && r.expires_at <= now)) return null;
    if (!r.last_used_at || Date.parse(now) - Date.parse(r.last_used_at) > SESSION_TOUCH_MS) {
      await this.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', r.token_id).execute();
    }
    return toAuthUser(r);
  }

  async listTokens() {
    return this.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select(['api_tokens.id', 'api_tokens.name', 'api_tokens.prefix', 'api_tokens.created_at', 'api_tokens.expires_at', 'api_tokens.revoked_at', 'api_tokens.last_used_at', 'users.email'])
      .orderBy('api_tokens.id', 'desc')
      .execute();
  }

  async revokeToken(actor: Actor, id: number): Promise<void> {
    const before = await this.db.selectFrom('api_tokens').select(['id', 'name', 'user_id', 'revoked_at']).where('id', '=', id).executeTakeFirst();
    if (!before) throw new DomainError('not-found', 'token not found');
    if (before.revoked_at) return;
    await this.db.transaction().execute(async (trx) => {
      const at = this.clock.now().toISOString();
      await trx.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).execute();
      await audit(trx, this.clock, actor, { action: 'token.revoke', entityType: 'api_token', entityId: id, before, after: { ...before, revoked_at: at } });
    });
  }
}

// Verifying against a fixed hash when the email is unknown keeps the response time the same.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9zQ2D0n0r8eW2mJ0sVQ0F1C7qXHq2b1C9Q7kzqk0b1A';
