import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { ERROR_CODES } from '../../src/core/errors.js';
import { DIALECTS, skipFor, testApp, loginAs, tokenFor, type TestApp } from '../helpers.js';
import { probeModule, assertProblem, visibleText } from './support.js';

const SECRET = 'SECRET-DETAIL';

/**
 * Send the app's log lines to an array. Fastify's request loggers are pino children of app.log and
 * inherit its destination, so swapping the root's stream captures every request's lines too.
 */
function captureLogs(app: { log: unknown }): Array<Record<string, any>> {
  const lines: Array<Record<string, any>> = [];
  (app.log as Record<symbol, unknown>)[pino.symbols.streamSym] = { write: (s: string) => void lines.push(JSON.parse(s)) };
  return lines;
}

for (const dialect of DIALECTS) {
  describe(`errors [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let logs: Array<Record<string, any>>;
    /** Headers of a machine client: an API token, JSON. */
    let api: Record<string, string>;
    before(async () => {
      t = await testApp(dialect, { modules: [probeModule], config: { logLevel: 'info' } });
      logs = captureLogs(t.app);
      api = { authorization: `Bearer ${await tokenFor(t.app, 'staff')}`, accept: 'application/json' };
    });
    after(async () => t?.close());

    it('answers an unexpected error with 500 problem+json code internal, hiding the message and the stack', async () => {
      const res = await t.app.inject({ url: '/api/v1/_probe/boom', headers: { accept: 'application/json' } });
      const body = assertProblem(res, 500, 'internal');
      assert.ok(!res.body.includes(SECRET), 'the message stays on the server');
      assert.ok(!res.body.includes('hunter2'));
      assert.ok(!/\bat .*\.(ts|js):\d+/.test(res.body), 'no stack frames');
      assert.ok(!('stack' in body));
      assert.equal(body.instance, '/api/v1/_probe/boom');
      assert.equal(typeof body.requestId, 'string');
    });

    it('logs the 5xx with its message, stack and the request id the client was given', async () => {
      logs.length = 0;
      const res = await t.app.inject({ url: '/api/v1/_probe/boom', headers: { accept: 'application/json' } });
      const requestId = (res.json() as { requestId: string }).requestId;
      const errors = logs.filter((l) => l.level >= 50);
      assert.equal(errors.length, 1, `one error line (${JSON.stringify(logs.map((l) => l.msg))})`);
      const line = errors[0]!;
      assert.equal(line.reqId, requestId, 'the log line carries the request id');
      assert.match(line.err?.message ?? '', new RegExp(SECRET));
      assert.match(line.err?.stack ?? '', /boom|support\.ts/);
      assert.ok(logs.some((l) => l.reqId === requestId && l.res?.statusCode === 500), 'the request completion is logged with the same id');
    });

    it('does not write cookies or bearer tokens to the log', async () => {
      logs.length = 0;
      const s = await loginAs(t.app, 'staff');
      logs.length = 0;
      await t.app.inject({ url: '/api/v1/_probe/boom', headers: { accept: 'application/json', cookie: s.cookie } });
      await t.app.inject({ url: '/api/v1/_probe/boom', headers: { accept: 'application/json', authorization: 'Bearer kbt_secret_token_value' } });
      const text = JSON.stringify(logs);
      const sessionValue = s.cookie.split('; ').find((c) => c.startsWith('kabuto_session='))!.split('=')[1]!;
      assert.ok(!text.includes(sessionValue), 'no session cookie in the log');
      assert.ok(!text.includes('kbt_secret_token_value'), 'no token in the log');
    });

    it('shows a browser a readable 500 page with the request id and without the details', async () => {
      const res = await t.app.inject({ url: '/_probe/boom', headers: { accept: 'text/html' } });
      assert.equal(res.statusCode, 500);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      const text = visibleText(res.body);
      assert.ok(text.includes('サーバーでエラーが発生しました'), 'a readable message');
      assert.ok(!res.body.includes(SECRET));
      assert.ok(!res.body.includes('hunter2'));
      const id = /問い合わせ番号：([0-9a-f-]{36})/.exec(text)?.[1];
      assert.ok(id, 'the request id is shown so the reader can quote it');
      assert.ok(logs.some((l) => l.level >= 50 && l.reqId === id));
    });

    it('answers an unknown route with 404 problem+json to a JSON client', async () => {
      const res = await t.app.inject({ url: '/no/such/route', headers: { accept: 'application/json' } });
      const body = assertProblem(res, 404, 'not-found');
      assert.equal(body.instance, '/no/such/route');
      assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/nothing-here', headers: api, payload: {} }), 404, 'not-found');
      // Anonymous, no cookies: still a 404, not a CSRF refusal (nothing is written on an unknown route).
      assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/nothing-here', payload: {} }), 404, 'not-found');
      assertProblem(await t.app.inject({ method: 'DELETE', url: '/no/such/thing', headers: { accept: 'application/json' } }), 404, 'not-found');
      assertProblem(await t.app.inject({ url: '/api/v1/nothing-here', headers: { accept: 'text/html' } }), 404, 'not-found');
    });

    it('answers an unknown route with a 404 page to a browser, in its language', async () => {
      const ja = await t.app.inject({ url: '/no/such/page', headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
      assert.equal(ja.statusCode, 404);
      assert.match(String(ja.headers['content-type']), /^text\/html/);
      assert.match(ja.body, /<html lang="ja"/);
      assert.ok(visibleText(ja.body).includes('ページが見つかりません'));
      const en = await t.app.inject({ url: '/no/such/page?lang=en', headers: { accept: 'text/html' } });
      assert.ok(visibleText(en.body).includes('Page not found'));
    });

    it('answers a malformed JSON body with 400 problem+json bad-request', async () => {
      for (const payload of ['{"n": 1', '{n: 1}', 'null,']) {
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/_probe/typed', headers: { ...api, 'content-type': 'application/json' }, payload });
        assertProblem(res, 400, 'bad-request');
      }
      const empty = await t.app.inject({ method: 'POST', url: '/api/v1/_probe/echo', headers: { ...api, 'content-type': 'application/json' }, payload: '' });
      assertProblem(empty, 400, 'bad-request');
    });

    it('answers a body that breaks the route schema with 400 problem+json naming the fields, and refuses unknown fields', async () => {
      const wrongType = await t.app.inject({ method: 'POST', url: '/api/v1/_probe/typed', headers: api, payload: { n: 'three' } });
      const b = assertProblem(wrongType, 400, 'bad-request');
      assert.ok(Array.isArray(b.errors) && (b.errors as Array<{ field: string }>).some((e) => e.field === 'n'), JSON.stringify(b.errors));
      const missing = assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/_probe/typed', headers: api, payload: {} }), 400, 'bad-request');
      assert.ok((missing.errors as Array<{ field: string }>).some((e) => e.field === 'n'));
      const extra = assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/_probe/typed', headers: api, payload: { n: 1, admin: true } }), 400, 'bad-request');
      assert.ok((extra.errors as Array<{ field: string }>).some((e) => e.field === 'admin'), 'an unknown field is refused, not dropped');
      const ok = await t.app.inject({ method: 'POST', url: '/api/v1/_probe/typed', headers: api, payload: { n: 1 } });
      assert.equal(ok.statusCode, 200);
    });

    it('maps a domain error to its status and stable code, with the field problems', async () => {
      const body = assertProblem(await t.app.inject({ url: '/api/v1/_probe/conflict' }), 409, 'conflict');
      assert.equal(body.detail, 'that name is taken');
      assert.deepEqual(body.errors, [{ field: 'name', message: 'already taken' }], 'the API shows field and message only, never a page’s message key');
      assert.equal(body.type, '/docs/errors#conflict');
    });

    it('answers an unsupported content type with 415 and an oversized body with 413, both problem+json', async () => {
      assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/_probe/echo', headers: { ...api, 'content-type': 'application/x-made-up' }, payload: 'x' }), 415, 'unsupported-media-type');
      const big = JSON.stringify({ s: 'x'.repeat(6 * 1024 * 1024) });
      assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/_probe/echo', headers: { ...api, 'content-type': 'application/json' }, payload: big }), 413, 'payload-too-large');
    });

    it('gives every error code a 4xx or 5xx status and a title', () => {
      for (const [code, { status, title }] of Object.entries(ERROR_CODES)) {
        assert.match(code, /^[a-z]+(-[a-z]+)*$/, `${code} is kebab-case`);
        assert.ok(status >= 400 && status < 600, code);
        assert.ok(title.length > 0, code);
      }
    });
  });
}
