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
  /** SMTP server for outgoing mail (SMTP_URL, smtp:// or smtps://); null keeps mail queued in the outbox. */
  smtpUrl: string | null;
  /** Sender of notification mail (MAIL_FROM): an address, or `Name <address>`. */
  mailFrom: string;
  /** Seconds between outbox runs in this process (MAIL_INTERVAL_SECONDS); 0 runs no sender here. */
  mailIntervalSeconds: number;
  /** Tries before an outbox mail is marked failed (MAIL_MAX_ATTEMPTS). */
  mailMaxAttempts: number;
  /** Address of the portal as readers reach it, for links in mail (PUBLIC_URL), without a trailing slash. */
  publicUrl: string;
  /** Days after a support case is closed at which its personal data is deleted (SUPPORT_RETENTION_DAYS). */
  supportRetentionDays: number;
  /** Minutes between retention purges run by the server (SUPPORT_PURGE_INTERVAL_MINUTES); 0: only `kabuto support purge`. */
  supportPurgeIntervalMinutes: number;
  /** Minutes between the matching module's periodic work (MATCHING_JOBS_INTERVAL_MINUTES): expiring requests, follow-up reminders; 0 turns it off. */
  matchingJobsIntervalMinutes: number;
  /** Largest support attachment in bytes (ATTACHMENT_MAX_BYTES). */
  attachmentMaxBytes: number;
  /**
   * Key of support attachments at rest (ATTACHMENT_KEY: 32 bytes as 64 hex digits or base64), or null
   * until resolveAttachmentKey() generates or reads one (SQLite) or refuses to start (PostgreSQL).
   */
  attachmentKey: string | null;
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

function smtpUrl(env: NodeJS.ProcessEnv): string | null {
  const raw = env.SMTP_URL?.trim() ?? '';
  if (raw === '') return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError('SMTP_URL', 'is not a URL (smtp://user:password@host:587 or smtps://host:465)');
  }
  if ((u.protocol !== 'smtp:' && u.protocol !== 'smtps:') || !u.hostname) throw new ConfigError('SMTP_URL', 'must be an smtp:// or smtps:// URL with a host');
  return raw;
}

const MAIL_ADDRESS = /^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;

function mailFrom(env: NodeJS.ProcessEnv): string {
  const raw = env.MAIL_FROM?.trim() || 'Kabuto <no-reply@localhost>';
  if (!MAIL_ADDRESS.test(raw)) throw new ConfigError('MAIL_FROM', `must be an address or "Name <address>", got "${raw}"`);
  return raw;
}

function publicUrl(env: NodeJS.ProcessEnv, port: number): string {
  const raw = env.PUBLIC_URL?.trim() || `http://localhost:${port}`;
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new ConfigError('PUBLIC_URL', `must be an http:// or https:// URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

/** A 32-byte key given as 64 hex digits or base64; null when it is not one. */
export function parseKey(raw: string): Buffer | null {
  const v = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(v)) {
    const b = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return b.length === 32 ? b : null;
  }
  return null;
}

function attachmentKey(env: NodeJS.ProcessEnv): string | null {
  const raw = env.ATTACHMENT_KEY?.trim() ?? '';
  if (raw === '') return null;
  const key = parseKey(raw);
  if (!key) throw new ConfigError('ATTACHMENT_KEY', 'must be 32 bytes as 64 hex digits or base64 (e.g. openssl rand -hex 32)');
  return key.toString('hex');
}

const generatedKeys = new WeakMap<Config, string>();

/**
 * The attachment key of a configuration, as 64 hex digits. Given: that one. With PostgreSQL it must be
 * given (several processes share it). On SQLite it is generated once and kept beside the database
 * (DATA_DIR/attachment-key), or held in memory for an in-memory database. Resolved when the support
 * module starts, so commands that never touch attachments need no key.
 */
export function resolveAttachmentKey(config: Config): string {
  if (config.attachmentKey) return config.attachmentKey;
  if (isPostgresUrl(config.databaseUrl)) {
    throw new ConfigError('ATTACHMENT_KEY', 'is required with PostgreSQL, where several processes must share it (32 bytes: openssl rand -hex 32)');
  }
  let key = generatedKeys.get(config);
  if (!key) {
    key = config.databaseUrl === 'sqlite::memory:' ? randomBytes(32).toString('hex') : readOrCreateKey(config.dataDir);
    generatedKeys.set(config, key);
  }
  return key;
}

function readOrCreateKey(dataDir: string): string {
  const file = resolve(dataDir, 'attachment-key');
  if (existsSync(file)) {
    const key = parseKey(readFileSync(file, 'utf8'));
    // Encrypted files cannot be read without the key they were written with: never replace it silently.
    if (!key) throw new ConfigError('ATTACHMENT_KEY', `the generated key in ${file} is not 32 bytes of hex; restore it from a backup, or set ATTACHMENT_KEY`);
    return key.toString('hex');
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('hex');
  try {
    writeFileSync(file, key + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process wrote it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readOrCreateKey(dataDir);
    throw err;
  }
  return key;
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

  const port = int(env, 'PORT', 3000, 0, 65535);
  return {
    port,
    host,
    databaseUrl,
    logLevel,
    sessionSecret,
    cookieSecure: bool(env, 'COOKIE_SECURE', true),
    dataDir,
    seedPlan: bool(env, 'SEED_PLAN', true),
    sessionDays: int(env, 'SESSION_DAYS', 14, 1, 365),
    trustProxy: trustProxy(env),
    smtpUrl: smtpUrl(env),
    mailFrom: mailFrom(env),
    mailIntervalSeconds: int(env, 'MAIL_INTERVAL_SECONDS', 15, 0, 86400),
    mailMaxAttempts: int(env, 'MAIL_MAX_ATTEMPTS', 8, 1, 100),
    publicUrl: publicUrl(env, port),
    supportRetentionDays: int(env, 'SUPPORT_RETENTION_DAYS', 365, 1, 36500),
    supportPurgeIntervalMinutes: int(env, 'SUPPORT_PURGE_INTERVAL_MINUTES', 60, 0, 10080),
    matchingJobsIntervalMinutes: int(env, 'MATCHING_JOBS_INTERVAL_MINUTES', 10, 0, 10080),
    attachmentMaxBytes: int(env, 'ATTACHMENT_MAX_BYTES', 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    attachmentKey: attachmentKey(env),
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
    // Mail stays queued and nothing runs on a timer unless a test asks (it runs the sender itself).
    smtpUrl: null,
    mailFrom: 'Kabuto <no-reply@kabuto.test>',
    mailIntervalSeconds: 0,
    mailMaxAttempts: 5,
    publicUrl: 'http://kabuto.test',
    supportRetentionDays: 365,
    supportPurgeIntervalMinutes: 0,
    matchingJobsIntervalMinutes: 0,
    attachmentMaxBytes: 1024 * 1024,
    attachmentKey: '5a'.repeat(32),
    ...overrides,
  };
}
