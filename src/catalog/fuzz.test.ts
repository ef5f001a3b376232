/**
 * Every action driven with generated input (random JSON bodies, random query parameters, and
 * near-valid package dicts): never a 5xx, always CKAN's envelope, and a failed write stores nothing.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DIALECTS, skipFor, type TestApp } from '../../test/helpers.js';
import { ACTIONS } from './ckan/actions.js';
import { act, catalogApp, counts, dataset, token } from './testing.js';

const ACTION_NAMES = Object.keys(ACTIONS);
const READS = ACTION_NAMES.filter((a) => ACTIONS[a]!.read);
const WRITES = ACTION_NAMES.filter((a) => !ACTIONS[a]!.read);

const text = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('', 'tokyo', 'meguro-ku', 'fuzz-base', '{!lucene}x', 'title:"x', '*:*', 'organization:tokyo', '保育園', '-1', '1001', 'null', '[1]', '["groups"]', 'cc-by-4.0', 'x'.repeat(300)));
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(text, tie('value'), { maxKeys: 4 })),
})).value;

const KEYS = ['id', 'name', 'title', 'notes', 'owner_org', 'license_id', 'private', 'state', 'tags', 'extras', 'groups', 'resources', 'url', 'package_id', 'q', 'fq', 'fq_list', 'rows', 'start', 'sort', 'facet.field', 'facet.limit', 'facet.mincount', 'include_private', 'limit', 'offset', 'all_fields', 'query', 'include_datasets', 'tag_string', 'author_email', 'type', 'kind', 'lg_code'];
const body = fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 12 })), json, { maxKeys: 8 });

/** A package dict a few mutations away from valid, so writes sometimes succeed and sometimes fail deep inside. */
const nearPackage = fc.record({
  name: fc.oneof(fc.stringMatching(/^[a-z0-9_-]{0,14}$/), fc.string({ maxLength: 8 })),
  base: fc.constantFrom('tokyo', 'meguro-ku'),
  mutate: fc.dictionary(fc.constantFrom('title', 'license_id', 'owner_org', 'tags', 'groups', 'resources', 'extras', 'private', 'state', 'author_email'), json, { maxKeys: 3 }),
}).map(({ name, base, mutate }) => ({ ...dataset(name, base), ...mutate }));

const call = fc.oneof(
  fc.record({ action: fc.constantFrom(...READS), data: body, method: fc.constantFrom('GET' as const, 'POST' as const), auth: fc.boolean() }),
  fc.record({ action: fc.constantFrom(...WRITES), data: fc.oneof(body, nearPackage), method: fc.constant('POST' as const), auth: fc.boolean() }),
  fc.record({ action: fc.oneof(fc.constantFrom(...WRITES), fc.string({ maxLength: 20 })), data: body, method: fc.constantFrom('GET' as const, 'POST' as const), auth: fc.boolean() }),
);

for (const dialect of DIALECTS) {
  describe(`CKAN Action API under generated input [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let admin: string;
    before(async () => {
      t = await catalogApp(dialect);
      admin = await token(t.app, 'admin');
      const r = await act(t.app, 'package_create', dataset('fuzz-base'), { token: admin });
      assert.equal(r.status, 200);
    });
    after(async () => t?.close());

    it('never answers a 5xx, always in the envelope, and a failed write stores nothing', async () => {
      let successes = 0;
      let failures = 0;
      await fc.assert(
        fc.asyncProperty(call, async ({ action, data, method, auth }) => {
          const before = await counts(t.app);
          let r: Awaited<ReturnType<typeof act>>;
          try {
            r = await act(t.app, action, data as Record<string, unknown>, { method, token: auth ? admin : undefined });
          } catch (err) {
            throw new Error(`${action} did not answer JSON: ${(err as Error).message}`);
          }
          assert.ok(r.status < 500, `${method} ${action} ${JSON.stringify(data).slice(0, 300)} → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
          assert.equal(typeof r.body.success, 'boolean');
          assert.equal(r.body.success, r.status === 200);
          if (r.body.success) successes += 1;
          else {
            failures += 1;
            assert.ok(r.body.error && typeof r.body.error.__type === 'string');
            if (!ACTIONS[action]?.read) assert.deepEqual(await counts(t.app), before, `failed ${action} stored something`);
          }
        }),
        { numRuns: 150, seed: dialect === 'sqlite' ? 20261127 : 4242 },
      );
      assert.ok(successes > 0 && failures > 0, `both outcomes were exercised (${successes} successes, ${failures} failures)`);
    });
  });
}
