import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { buildApp } from '../../src/app.js';
import { testConfig } from '../../src/core/config.js';
import { systemClock } from '../../src/core/clock.js';
import { openDatabase } from '../../src/core/db/index.js';
import { AuthService } from '../../src/core/auth/service.js';
import { BIN, ROOT, baseEnv, kabuto, show, tempDir } from './run.js';

/** Sign-in check on the same file the CLI wrote, through the real service. */
async function canSignIn(url: string, email: string, password: string): Promise<boolean> {
  const h = openDatabase(url);
  try {
    await new AuthService(h.db, systemClock, 14).verifyLogin(email, password, '127.0.0.1');
    return true;
  } catch {
    return false;
  } finally {
    await h.close();
  }
}

describe('kabuto CLI', () => {
  let tmp: ReturnType<typeof tempDir>;
  let url: string;
  const env = () => ({ DATABASE_URL: url });

  before(() => {
    tmp = tempDir();
    url = `sqlite:${join(tmp.dir, 'kabuto.db')}`;
  });
  after(() => tmp?.cleanup());

  it('prints help with every command and the exit codes', async () => {
    const r = await kabuto(['--help'], { env: env() });
    assert.equal(r.code, 0, show(r));
    for (const cmd of ['serve', 'migrate', 'plan', 'user', 'token', 'backup', 'db']) assert.match(r.stdout, new RegExp(`\\n  ${cmd}\\b`), `help lists ${cmd}`);
    assert.match(r.stdout, /Exit codes:/);
    const sub = await kabuto(['user', 'add', '--help'], { env: env() });
    assert.equal(sub.code, 0, show(sub));
    assert.match(sub.stdout, /--role <role>/);
    assert.match(sub.stdout, /choices: "admin", "staff", "publisher", "member"/);
  });

  it('exits 2 naming the variable when an environment variable is invalid', async () => {
    const level = await kabuto(['migrate'], { env: { ...env(), LOG_LEVEL: 'loud' } });
    assert.equal(level.code, 2, show(level));
    assert.match(level.stderr, /^configuration error: LOG_LEVEL: must be one of/m);
    const dbUrl = await kabuto(['migrate'], { env: { DATABASE_URL: 'mysql://localhost/kabuto' } });
    assert.equal(dbUrl.code, 2, show(dbUrl));
    assert.match(dbUrl.stderr, /configuration error: DATABASE_URL: must start with sqlite: or postgres:\/\//);
  });

  it('exits 2 on an unknown command, an unknown option or a missing one', async () => {
    const unknown = await kabuto(['frobnicate'], { env: env() });
    assert.equal(unknown.code, 2, show(unknown));
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    const option = await kabuto(['migrate', '--fast'], { env: env() });
    assert.equal(option.code, 2, show(option));
    assert.match(option.stderr, /unknown option '--fast'/);
    const missing = await kabuto(['user', 'add', '--email', 'x@example.jp'], { env: env() });
    assert.equal(missing.code, 2, show(missing));
    assert.match(missing.stderr, /required option '--role <role>' not specified/);
  });

  it('migrate applies every migration, then reports the database up to date', async () => {
    const first = await kabuto(['migrate'], { env: env() });
    assert.equal(first.code, 0, show(first));
    assert.match(first.stdout, /applied 20261127_0001_core/);
    const again = await kabuto(['migrate'], { env: env() });
    assert.equal(again.code, 0, show(again));
    assert.match(again.stdout, /up to date/);
    assert.doesNotMatch(again.stdout, /^applied /m);
  });

  it('user add takes the password from stdin, and the user can sign in with it', async () => {
    const password = 'a long passphrase from a pipe';
    const r = await kabuto(['user', 'add', '--email', 'Admin@Example.jp', '--role', 'admin', '--name', 'First Admin'], { env: env(), input: `${password}\n` });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /created user #\d+ admin@example\.jp \(admin\)/);
    assert.doesNotMatch(r.stdout + r.stderr, new RegExp(password), 'a given password is never echoed');
    assert.ok(await canSignIn(url, 'admin@example.jp', password));
    const h = openDatabase(url);
    try {
      const entry = await h.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.create').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.equal(entry.actor_label, 'cli');
      assert.equal(entry.actor_id, null);
    } finally {
      await h.close();
    }
  });

  it('user add generates a strong password when stdin brings none, and prints it once', async () => {
    const r = await kabuto(['user', 'add', '--email', 'staff@example.jp', '--role', 'staff'], { env: env() });
    assert.equal(r.code, 0, show(r));
    const m = /^password: (\S+)$/m.exec(r.stdout);
    assert.ok(m, show(r));
    const password = m[1]!;
    assert.ok(password.length >= 16, `generated password has ${password.length} characters`);
    assert.equal(r.stdout.split(password).length - 1, 1, 'printed exactly once');
    assert.ok(await canSignIn(url, 'staff@example.jp', password));
  });

  it('user add does not wait forever on an idle stdin pipe: it generates the password', async () => {
    const r = await kabuto(['user', 'add', '--email', 'piped@example.jp', '--role', 'staff'], { env: env(), input: 'open', timeoutMs: 30_000 });
    assert.equal(r.code, 0, show(r));
    const m = /^password: (\S+)$/m.exec(r.stdout);
    assert.ok(m, show(r));
    assert.ok(await canSignIn(url, 'piped@example.jp', m[1]!));
  });

  it('user add refuses a publisher without --org, creating nothing', async () => {
    const r = await kabuto(['user', 'add', '--email', 'pub@example.jp', '--role', 'publisher'], { env: env() });
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /org: a publisher is scoped to one catalog organization: give --org/);
    assert.doesNotMatch(r.stdout, /password/);
    const h = openDatabase(url);
    try {
      assert.equal(await new AuthService(h.db, systemClock, 14).findByEmail('pub@example.jp'), undefined);
    } finally {
      await h.close();
    }
    const both = await kabuto(['user', 'add', '--email', 'pub@example.jp', '--role', 'publisher', '--org', '130001', '--company', 'c1'], { env: env() });
    assert.equal(both.code, 2, show(both));
    assert.match(both.stderr, /cannot be used with option/);
  });

  it('user add refuses an email that is taken with exit 3', async () => {
    const r = await kabuto(['user', 'add', '--email', 'admin@example.jp', '--role', 'admin'], { env: env() });
    assert.equal(r.code, 3, show(r));
    assert.match(r.stderr, /a user with email admin@example\.jp exists/);
  });

  it('token create prints a token (alone on stdout) that works as Authorization: Bearer on an admin route', async () => {
    const r = await kabuto(['token', 'create', '--email', 'admin@example.jp', '--name', 'deploy', '--expires', '2099-12-31'], { env: env() });
    assert.equal(r.code, 0, show(r));
    const token = r.stdout.trim();
    assert.match(token, /^kbt_[A-Za-z0-9_-]{20,}$/);
    assert.match(r.stderr, /shown this once/);

    const handle = openDatabase(url);
    const app = await buildApp(testConfig({ databaseUrl: url }), { handle });
    try {
      const ok = await app.inject({ method: 'GET', url: '/admin', headers: { authorization: `Bearer ${token}`, accept: 'text/html' } });
      assert.equal(ok.statusCode, 200, ok.body.slice(0, 300));
      assert.match(ok.body, /admin@example\.jp/);
      const bad = await app.inject({ method: 'GET', url: '/api/v1/nothing', headers: { authorization: `Bearer ${token}x` } });
      assert.equal(bad.statusCode, 401);
      const stored = await handle.db.selectFrom('api_tokens').selectAll().where('name', '=', 'deploy').executeTakeFirstOrThrow();
      assert.notEqual(stored.token_hash, token, 'only the hash is stored');
      assert.equal(stored.expires_at, '2099-12-31T14:59:59.000Z', 'expires at the end of the day in Japan');
    } finally {
      await app.close();
      await handle.close();
    }
  });

  it('token create exits 1 for an unknown user and 2 for a bad date', async () => {
    const unknown = await kabuto(['token', 'create', '--email', 'nobody@example.jp'], { env: env() });
    assert.equal(unknown.code, 1, show(unknown));
    assert.match(unknown.stderr, /no user with email nobody@example\.jp/);
    assert.equal(unknown.stdout, '');
    const date = await kabuto(['token', 'create', '--email', 'admin@example.jp', '--expires', '2030-02-30'], { env: env() });
    assert.equal(date.code, 2, show(date));
    assert.match(date.stderr, /--expires: "2030-02-30" is not a date/);
  });

  it('backup writes a checked, self-contained SQLite copy with the same users, and will not overwrite one', async () => {
    const file = join(tmp.dir, 'backup.db');
    const r = await kabuto(['backup', file], { env: env() });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /backup written: .*integrity ok/);
    assert.match(r.stderr, /backup: 100% \(\d+\/\d+ pages\)/, 'plain progress lines when stderr is not a terminal');
    assert.ok(!existsSync(`${file}-wal`), 'no -wal file beside the copy');
    const copy = new Sqlite(file, { readonly: true });
    const live = new Sqlite(url.slice('sqlite:'.length), { readonly: true });
    try {
      const emails = (db: Sqlite.Database) => (db.prepare('select email from users order by id').all() as { email: string }[]).map((u) => u.email);
      assert.deepEqual(emails(copy), emails(live));
      assert.deepEqual(emails(copy), ['admin@example.jp', 'staff@example.jp', 'piped@example.jp']);
    } finally {
      copy.close();
      live.close();
    }
    const again = await kabuto(['backup', file], { env: env() });
    assert.equal(again.code, 3, show(again));
    assert.match(again.stderr, /exists; choose another file or pass --force/);
    const forced = await kabuto(['backup', file, '--force'], { env: env() });
    assert.equal(forced.code, 0, show(forced));
  });

  it('backup on PostgreSQL exits 2 with the pg_dump command for the configured URL', async () => {
    const pgUrl = 'postgres://kabuto@db.internal:5432/kabuto';
    const r = await kabuto(['backup', 'kabuto.dump'], { env: { DATABASE_URL: pgUrl, SESSION_SECRET: 'x'.repeat(32) } });
    assert.equal(r.code, 2, show(r));
    assert.ok(r.stderr.includes(`pg_dump --format=custom --no-owner --file='kabuto.dump' '${pgUrl}'`), show(r));
    const secret = await kabuto(['backup', 'kabuto.dump'], { env: { DATABASE_URL: 'postgres://kabuto:s3cret@db.internal/kabuto', SESSION_SECRET: 'x'.repeat(32) } });
    assert.equal(secret.code, 2, show(secret));
    assert.doesNotMatch(secret.stderr, /s3cret/, 'the password is never printed');
    assert.match(secret.stderr, /pg_dump .* "\$DATABASE_URL"/);
  });

  it('catalog reindex rebuilds the search index and prints how many datasets it holds', async () => {
    const r = await kabuto(['catalog', 'reindex'], { env: env() });
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout.trim(), '0');
    assert.match(r.stderr, /indexed 0 dataset\(s\)/);
  });

  it('serve, the default command, answers /healthz and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN], { cwd: ROOT, env: baseEnv({ DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', SEED_PLAN: 'false', LOG_LEVEL: 'info' }), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    try {
      const address = await new Promise<string>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`serve did not start:\n${output}`)), 30_000);
        const onData = (c: Buffer) => {
          output += c.toString();
          const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (m) {
            clearTimeout(timer);
            res(m[1]!);
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
      });
      const res = await fetch(`${address}/healthz`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: 'ok' });
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, output);
  });
});
