import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, resolveAttachmentKey } from '../core/config.js';
import { AttachmentKey } from './crypto.js';

const SECRET = 's'.repeat(40);
const refuses = (env: Record<string, string>, variable: string) =>
  assert.throws(
    () => resolveAttachmentKey(loadConfig(env)),
    (err: unknown) => err instanceof ConfigError && err.variable === variable,
  );

describe('support and mail configuration', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kabuto-support-config-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has defaults that keep mail queued and purge hourly after a year', () => {
    const c = loadConfig({ SESSION_SECRET: SECRET, DATABASE_URL: 'sqlite::memory:' });
    assert.equal(c.smtpUrl, null);
    assert.equal(c.mailFrom, 'Kabuto <no-reply@localhost>');
    assert.equal(c.mailIntervalSeconds, 15);
    assert.equal(c.mailMaxAttempts, 8);
    assert.equal(c.publicUrl, 'http://localhost:3000');
    assert.equal(c.supportRetentionDays, 365);
    assert.equal(c.supportPurgeIntervalMinutes, 60);
    assert.equal(c.attachmentMaxBytes, 10 * 1024 * 1024);
    assert.equal(c.attachmentKey, null);
  });

  it('reads valid values and refuses bad ones, naming the variable', () => {
    const c = loadConfig({ SESSION_SECRET: SECRET, DATABASE_URL: 'sqlite::memory:', SMTP_URL: 'smtps://user:pw@mail.example.jp:465', MAIL_FROM: 'Tokyo Support <support@example.jp>', PUBLIC_URL: 'https://kabuto.example.jp/', SUPPORT_RETENTION_DAYS: '730', ATTACHMENT_KEY: 'ab'.repeat(32) });
    assert.equal(c.smtpUrl, 'smtps://user:pw@mail.example.jp:465');
    assert.equal(c.mailFrom, 'Tokyo Support <support@example.jp>');
    assert.equal(c.publicUrl, 'https://kabuto.example.jp');
    assert.equal(c.supportRetentionDays, 730);
    assert.equal(c.attachmentKey, 'ab'.repeat(32));
    assert.equal(loadConfig({ SESSION_SECRET: SECRET, ATTACHMENT_KEY: Buffer.alloc(32, 7).toString('base64') }).attachmentKey, '07'.repeat(32), 'base64 works too');
    for (const [name, value] of [
      ['SMTP_URL', 'http://mail.example.jp'],
      ['MAIL_FROM', 'not an address'],
      ['PUBLIC_URL', 'ftp://x'],
      ['SUPPORT_RETENTION_DAYS', '0'],
      ['MAIL_MAX_ATTEMPTS', 'many'],
      ['ATTACHMENT_MAX_BYTES', '10'],
      ['ATTACHMENT_KEY', 'too-short'],
    ] as const) {
      assert.throws(
        () => loadConfig({ SESSION_SECRET: SECRET, [name]: value }),
        (err: unknown) => err instanceof ConfigError && err.variable === name,
        name,
      );
    }
  });

  it('requires ATTACHMENT_KEY with PostgreSQL, where several processes must share it', () => {
    refuses({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/kabuto', SESSION_SECRET: SECRET }, 'ATTACHMENT_KEY');
    const c = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/kabuto', SESSION_SECRET: SECRET, ATTACHMENT_KEY: 'cd'.repeat(32) });
    assert.equal(resolveAttachmentKey(c), 'cd'.repeat(32));
  });

  it('generates a key beside a SQLite file once, keeps it private, and never replaces a damaged one', () => {
    const sub = join(dir, 'generated');
    const env = { DATABASE_URL: `sqlite:${join(sub, 'kabuto.db')}`, SESSION_SECRET: SECRET };
    const c = loadConfig(env);
    const file = join(sub, 'attachment-key');
    assert.equal(existsSync(file), false, 'nothing is written until the support module needs the key');
    const key = resolveAttachmentKey(c);
    assert.equal(readFileSync(file, 'utf8').trim(), key);
    assert.equal(statSync(file).mode & 0o077, 0);
    assert.equal(resolveAttachmentKey(loadConfig(env)), key, 'a restart reads the same key, so stored files still open');
    assert.equal(new AttachmentKey(key).id.length, 16);
    const broken = join(dir, 'broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'attachment-key'), 'xyz\n');
    refuses({ DATABASE_URL: `sqlite:${join(broken, 'kabuto.db')}`, SESSION_SECRET: SECRET }, 'ATTACHMENT_KEY');
    const memory = loadConfig({ DATABASE_URL: 'sqlite::memory:', SESSION_SECRET: SECRET, DATA_DIR: join(dir, 'memory') });
    assert.equal(resolveAttachmentKey(memory), resolveAttachmentKey(memory), 'one key per configuration in memory');
    assert.equal(existsSync(join(dir, 'memory', 'attachment-key')), false);
  });
});
