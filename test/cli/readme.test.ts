import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '../../src/core/errors.js';
import { buildProgram } from '../../src/cli/index.js';
import { ROOT } from './run.js';

// The README is the reference for operators and API clients; these checks keep it from drifting.
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = (title: string) => {
  const start = readme.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README has a "${title}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
};

describe('README', () => {
  it('opens with the two commands that start the portal and run the tests', () => {
    const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = block.split('\n').filter(Boolean).map((l) => l.replace(/\s+#.*$/, ''));
    assert.deepEqual(commands, ['npm ci && npm start', 'npm test']);
  });

  it('lists every error code with its status', () => {
    const errors = section('Error codes');
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      assert.match(errors, new RegExp(`<a id="${code}"></a>\`${code}\` \\| ${status} \\|`), `README lists ${code} (${status})`);
    }
  });

  it('documents every environment variable that config.ts reads', () => {
    const source = readFileSync(join(ROOT, 'src/core/config.ts'), 'utf8');
    const read = new Set([...source.matchAll(/env\.([A-Z_]+)|env, '([A-Z_]+)'/g)].map((m) => m[1] ?? m[2]!));
    assert.ok(read.has('DATABASE_URL') && read.has('SESSION_DAYS'), 'found the variables in config.ts');
    const config = section('Configuration');
    for (const v of read) assert.match(config, new RegExp(`\\| \`${v}\` \\|`), `README documents ${v}`);
  });

  it('documents every CLI command', () => {
    const cli = section('The kabuto command');
    for (const cmd of buildProgram().commands) {
      const subs = cmd.commands.map((s) => `${cmd.name()} ${s.name()}`);
      for (const name of subs.length ? subs : [cmd.name()]) assert.ok(cli.includes(`kabuto ${name}`), `README documents kabuto ${name}`);
    }
  });
});
