import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, ConfigError } from '../../src/core/config.js';

const SECRET = 'a-session-secret-that-is-long-enough-0123456789';

/** Expect loadConfig to stop on this environment with a ConfigError that names the variable. */
function refuses(env: NodeJS.ProcessEnv, variable: string): void {
  assert.throws(
    () => loadConfig(env),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
      assert.equal(err.variable, variable);
      assert.match(err.message, new RegExp(`^${variable}\\b`), 'the message starts with the variable so the operator sees what to fix');
      return true;
    },
  );
}

describe('config', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kabuto-config-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the documented defaults when nothing is set', () => {
    // SESSION_SECRET is given so the default SQLite URL does not write a secret file into the working tree.
    const c = loadConfig({ SESSION_SECRET: SECRET });
    assert.equal(c.port, 3000);
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.databaseUrl, 'sqlite:data/kabuto.db');
    assert.equal(c.logLevel, 'info');
    assert.equal(c.cookieSecure, true, 'cookies are Secure unless told otherwise');
    assert.equal(c.seedPlan, true);
    assert.equal(c.sessionDays, 14);
    assert.equal(c.sessionSecret, SECRET);
    assert.equal(c.dataDir, resolve('data'), 'the data folder is the folder of the SQLite file');
  });

  it('reads valid values from the environment', () => {
    const c = loadConfig({
      SESSION_SECRET: SECRET,
      PORT: '8080',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      COOKIE_SECURE: 'false',
      SEED_PLAN: '0',
      SESSION_DAYS: '30',
      DATABASE_URL: 'postgres://kabuto@db.example:5432/kabuto',
    });
    assert.equal(c.port, 8080);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.logLevel, 'warn');
    assert.equal(c.cookieSecure, false);
    assert.equal(c.seedPlan, false);
    assert.equal(c.sessionDays, 30);
    assert.equal(c.databaseUrl, 'postgres://kabuto@db.example:5432/kabuto');
  });

  it('trusts no proxy unless TRUST_PROXY names one, so a client cannot choose its own address', () => {
    assert.equal(loadConfig({ SESSION_SECRET: SECRET }).trustProxy, false);
    assert.equal(loadConfig({ SESSION_SECRET: SECRET, TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(loadConfig({ SESSION_SECRET: SECRET, TRUST_PROXY: 'off' }).trustProxy, false);
    assert.equal(loadConfig({ SESSION_SECRET: SECRET, TRUST_PROXY: '10.0.0.1, 192.168.0.0/16, loopback, ::1' }).trustProxy, '10.0.0.1,192.168.0.0/16,loopback,::1');
  });
  it('refuses a TRUST_PROXY that is neither a yes/no nor a list of addresses', () => refuses({ SESSION_SECRET: SECRET, TRUST_PROXY: 'everyone' }, 'TRUST_PROXY'));

  it('refuses a port that is not a number (PORT=abc)', () => refuses({ SESSION_SECRET: SECRET, PORT: 'abc' }, 'PORT'));
  it('refuses a port out of range (PORT=70000)', () => refuses({ SESSION_SECRET: SECRET, PORT: '70000' }, 'PORT'));
  it('refuses a negative or fractional port', () => {
    refuses({ SESSION_SECRET: SECRET, PORT: '-1' }, 'PORT');
    refuses({ SESSION_SECRET: SECRET, PORT: '80.5' }, 'PORT');
  });
  it('refuses an unknown log level (LOG_LEVEL=loud)', () => refuses({ SESSION_SECRET: SECRET, LOG_LEVEL: 'loud' }, 'LOG_LEVEL'));
  it('refuses a database URL of another engine (DATABASE_URL=mysql://x)', () => refuses({ SESSION_SECRET: SECRET, DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'));
  it('refuses a sqlite: URL without a path and a postgres:// URL without a host', () => {
    refuses({ SESSION_SECRET: SECRET, DATABASE_URL: 'sqlite:' }, 'DATABASE_URL');
    refuses({ SESSION_SECRET: SECRET, DATABASE_URL: 'postgres://' }, 'DATABASE_URL');
  });
  it('refuses a yes/no flag that is neither (COOKIE_SECURE=maybe)', () => refuses({ SESSION_SECRET: SECRET, COOKIE_SECURE: 'maybe' }, 'COOKIE_SECURE'));
  it('refuses a session secret shorter than 32 characters', () => refuses({ SESSION_SECRET: 'short-secret' }, 'SESSION_SECRET'));
  it('refuses session days out of range', () => refuses({ SESSION_SECRET: SECRET, SESSION_DAYS: '0' }, 'SESSION_DAYS'));

  it('requires SESSION_SECRET with a postgres:// database, where several processes must share it', () => {
    refuses({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/kabuto' }, 'SESSION_SECRET');
    refuses({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/kabuto', SESSION_SECRET: '' }, 'SESSION_SECRET');
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/kabuto', SESSION_SECRET: SECRET }).sessionSecret, SECRET);
  });

  it('generates a session secret beside a SQLite file, keeps it private, and reuses it on the next start', () => {
    const sub = join(dir, 'generated');
    const env = { DATABASE_URL: `sqlite:${join(sub, 'kabuto.db')}` };
    const first = loadConfig(env);
    const file = join(sub, 'session-secret');
    assert.ok(existsSync(file), 'the secret is written to the data folder');
    assert.equal(first.dataDir, sub);
    assert.ok(first.sessionSecret.length >= 32);
    assert.equal(readFileSync(file, 'utf8').trim(), first.sessionSecret);
    assert.equal(statSync(file).mode & 0o077, 0, 'the secret file is readable by its owner only');
    const second = loadConfig(env);
    assert.equal(second.sessionSecret, first.sessionSecret, 'a restart keeps the sessions and CSRF tokens valid');
  });

  it('refuses a kept secret file that is empty or too short instead of signing with a weak key', () => {
    const sub = join(dir, 'truncated');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'session-secret'), '\n');
    refuses({ DATABASE_URL: `sqlite:${join(sub, 'kabuto.db')}` }, 'SESSION_SECRET');
    writeFileSync(join(sub, 'session-secret'), 'abc\n');
    refuses({ DATABASE_URL: `sqlite:${join(sub, 'kabuto.db')}` }, 'SESSION_SECRET');
  });

  it('keeps the generated secret in DATA_DIR when it is set', () => {
    const dataDir = join(dir, 'explicit');
    const c = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'elsewhere', 'k.db')}`, DATA_DIR: dataDir });
    assert.equal(c.dataDir, dataDir);
    assert.equal(readFileSync(join(dataDir, 'session-secret'), 'utf8').trim(), c.sessionSecret);
  });

  it('gives an in-memory SQLite database a fresh secret without writing a file', () => {
    const dataDir = join(dir, 'memory');
    const a = loadConfig({ DATABASE_URL: 'sqlite::memory:', DATA_DIR: dataDir });
    const b = loadConfig({ DATABASE_URL: 'sqlite::memory:', DATA_DIR: dataDir });
    assert.ok(a.sessionSecret.length >= 32);
    assert.notEqual(a.sessionSecret, b.sessionSecret);
    assert.equal(existsSync(join(dataDir, 'session-secret')), false);
  });
});
