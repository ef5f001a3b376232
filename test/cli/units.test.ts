import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSecret } from '../../src/cli/stdin.js';
import { expiryOf } from '../../src/cli/commands/token.js';
import { pgDumpAdvice } from '../../src/cli/commands/backup.js';
import { fkOrder } from '../../src/cli/commands/db-copy.js';
import { generatePassword } from '../../src/cli/commands/user.js';
import { maskUrl, table } from '../../src/cli/output.js';
import { CliError } from '../../src/cli/exit.js';

describe('CLI helpers', () => {
  it('takes one line from stdin as the password, and nothing from an empty one', () => {
    assert.equal(parseSecret('s3cret passphrase\n'), 's3cret passphrase');
    assert.equal(parseSecret('s3cret passphrase\r\n'), 's3cret passphrase');
    assert.equal(parseSecret('  spaces kept  '), '  spaces kept  ');
    assert.equal(parseSecret(''), null);
    assert.equal(parseSecret('\n'), null);
    assert.throws(() => parseSecret('one\ntwo\n'), (e) => e instanceof CliError && e.exitCode === 2);
  });

  it('generates different passwords of at least 16 characters', () => {
    const a = generatePassword();
    assert.ok(a.length >= 16);
    assert.notEqual(a, generatePassword());
  });

  it('ends a token on the last day in Japan time and refuses a date that does not exist', () => {
    assert.equal(expiryOf('2027-03-31'), '2027-03-31T14:59:59.000Z');
    for (const bad of ['2027-02-29', '2027-13-01', '27-03-31', '2027-3-31', 'tomorrow']) assert.throws(() => expiryOf(bad), CliError, bad);
    assert.equal(expiryOf('2028-02-29'), '2028-02-29T14:59:59.000Z');
  });

  it('never prints a database password', () => {
    assert.equal(maskUrl('postgres://kabuto:s3cret@db/kabuto'), 'postgres://kabuto:***@db/kabuto');
    assert.equal(maskUrl('postgres://kabuto@db/kabuto'), 'postgres://kabuto@db/kabuto');
    const advice = pgDumpAdvice('postgres://kabuto:s3cret@db/kabuto', 'out.dump').join('\n');
    assert.doesNotMatch(advice, /s3cret/);
    assert.match(advice, /pg_dump --format=custom --no-owner --file='out.dump' "\$DATABASE_URL"/);
  });

  it('orders tables parents first and names a foreign-key cycle', () => {
    const t = (name: string) => ({ name, columns: [] });
    const order = fkOrder([t('tokens'), t('users'), t('audit'), t('sessions')], [
      { child: 'tokens', parent: 'users' },
      { child: 'sessions', parent: 'users' },
    ]).map((x) => x.name);
    assert.ok(order.indexOf('users') < order.indexOf('tokens') && order.indexOf('users') < order.indexOf('sessions'), order.join());
    assert.throws(() => fkOrder([t('a'), t('b')], [
      { child: 'a', parent: 'b' },
      { child: 'b', parent: 'a' },
    ]), /cycle among a, b/);
  });

  it('aligns a table, numbers to the right', () => {
    assert.deepEqual(table(['table', 'rows'], [['users', 3], ['audit_log', 12]]), ['table      rows', '---------  ----', 'users         3', 'audit_log    12']);
  });
});
