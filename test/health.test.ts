import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipFor, testApp, loginAs, type TestApp } from './helpers.js';

for (const dialect of DIALECTS) {
  describe(`health and sign-in [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    before(async () => {
      t = await testApp(dialect);
    });
    after(async () => t?.close());

    it('answers /healthz and /readyz', async () => {
      assert.equal((await t.app.inject('/healthz')).json().status, 'ok');
      const ready = await t.app.inject('/readyz');
      assert.equal(ready.statusCode, 200);
      assert.equal(ready.json().database, dialect);
    });

    it('signs a staff member in through the form and shows the login state', async () => {
      const s = await loginAs(t.app, 'staff');
      const home = await t.app.inject({ url: '/', headers: { cookie: s.cookie } });
      assert.match(home.body, new RegExp(s.user.email.split('@')[0]!));
    });
  });
}
