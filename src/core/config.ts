import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Validated configuration. Read once at start-up; a bad value stops the process naming the variable. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  sessionSecret: string;
  /** Cookies get the Secure flag (on by default; set COOKIE_SECURE=false only for plain-HTTP local development). */
  cookieSecure: boolean;
  /** Folder for the SQLite file, the generated session secret and other local state. */
  dataDir: string;
  /** Load the shipped plan on first start when the database has no plan. */
  seedPlan: boolean;
  /** Days a login session lives without use. */
  sessionDays: number;
  /**
   * Proxies whose X-Forwarded-For is believed (TRUST_PROXY): false (default), true (any), or a
   * comma-separated list of addresses, CIDRs or loopback/linklocal/uniquelocal. Believing every
   * caller would let a client pick its own address and dodge the per-address login throttle.
   */
  trustProxy?: boolean | string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function int(env: NodeJS.ProcessEnv, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: NodeJS.ProcessEnv, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

const PROXY_PART = /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/;

function trustProxy(env: NodeJS.ProcessEnv): boolean | string {
  const raw = env.TRUST_PROXY?.trim() ?? '';
  if (raw === '' || /^(0|false|no|off)$/i.test(raw)) return false;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  const parts = raw.split(',').map((p) => p.trim());
  if (!parts.every((p) => PROXY_PART.test(p))) {
    throw new ConfigError('TRUST_PROXY', `must be true, false or a comma-separated list of proxy addresses or CIDRs, got "${raw}"`);
  }
  return parts.join(',');
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** The SQLite file for a `sqlite:` URL, or ':memory:'. */
export function sqlitePath(url: string): string {
  const rest = url.slice('sqlite:'.length).replace(/^\/\//, '');
  return rest === ':memory:' ? ':memory:' : resolve(rest);
}

export function validateDatabaseUrl(url: string, variable = 'DATABASE_URL'): void {
  if (url.startsWith('sqlite:')) {
    if (sqlitePath(url) === '' || url === 'sqlite:') throw new ConfigError(variable, 'sqlite: needs a file path or :memory:');
    return;
  }
  if (isPostgresUrl(url)) {
    try {
      const u = new URL(url);
      if (!u.hostname) throw new Error('no host');
    } catch {
      throw new ConfigError(variable, `is not a valid postgres:// URL`);
    }
    return;
  }
  throw new ConfigError(variable, `must start with sqlite: or postgres://, got "${url}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || 'sqlite:data/kabuto.db';
  validateDatabaseUrl(databaseUrl);
  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  const host = env.HOST?.trim() || '0.0.0.0';
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(host)) throw new ConfigError('HOST', `is not a host name or address: "${host}"`);
  const dataDir = resolve(env.DATA_DIR?.trim() || (databaseUrl.startsWith('sqlite:') && sqlitePath(databaseUrl) !== ':memory:' ? dirname(sqlitePath(databaseUrl)) : 'data'));

  let sessionSecret = env.SESSION_SECRET ?? '';
  if (sessionSecret !== '' && sessionSecret.length < 32) throw new ConfigError('SESSION_SECRET', 'must be at least 32 characters');
  if (sessionSecret === '') {
    if (isPostgresUrl(databaseUrl)) {
      throw new ConfigError('SESSION_SECRET', 'is required with PostgreSQL, where several processes must share it (at least 32 characters)');
    }
    sessionSecret = databaseUrl === 'sqlite::memory:' ? randomBytes(32).toString('hex') : readOrCreateSecret(dataDir);
  }

  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host,
    databaseUrl,
    logLevel,
    sessionSecret,
    cookieSecure: bool(env, 'COOKIE_SECURE', true),
    dataDir,
    seedPlan: bool(env, 'SEED_PLAN', true),
    sessionDays: int(env, 'SESSION_DAYS', 14, 1, 365),
    trustProxy: trustProxy(env),
  };
}

/** On SQLite the secret is generated once and kept beside the database, so a fresh start just works. */
function readOrCreateSecret(dataDir: string): string {
  const file = resolve(dataDir, 'session-secret');
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    // A truncated or hand-edited file must not silently weaken the CSRF key.
    if (kept.length < 32) throw new ConfigError('SESSION_SECRET', `the generated secret in ${file} is shorter than 32 characters; delete the file to generate a new one, or set SESSION_SECRET`);
    return kept;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** A config for tests: in-memory SQLite unless a URL is given, silent logs. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: 'sqlite::memory:',
    logLevel: 'silent',
    sessionSecret: 'test-secret-test-secret-test-secret-0123',
    cookieSecure: false,
    dataDir: resolve('.tmp'),
    seedPlan: false,
    sessionDays: 14,
    ...overrides,
  };
}
