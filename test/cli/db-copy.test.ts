import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { sql } from 'kysely';
import { systemClock } from '../../src/core/clock.js';
import { systemActor } from '../../src/core/audit.js';
import { openDatabase, type DatabaseHandle } from '../../src/core/db/index.js';
import { migrateToLatest } from '../../src/core/db/migrate.js';
import { AuthService } from '../../src/core/auth/service.js';
import { buildApp } from '../../src/app.js';
import { testConfig } from '../../src/core/config.js';
import { companiesService } from '../../src/companies/index.js';
import { targetState } from '../../src/cli/commands/db-copy.js';
import { CatalogService, systemCaller } from '../../src/catalog/service.js';
import { seedReferenceData } from '../../src/catalog/seed.js';
import { search } from '../../src/catalog/search-port.js';
import { dataset } from '../../src/catalog/testing.js';
import { freshDatabase, skipFor, TEST_PASSWORD, type TestDatabase } from '../helpers.js';
import { kabuto, show, tempDir } from './run.js';

async function count(h: DatabaseHandle, table: 'users' | 'audit_log' | 'api_tokens'): Promise<number> {
  const r = await h.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('kabuto db copy (SQLite to PostgreSQL)', { skip: skipFor('postgres') }, () => {
  let tmp: ReturnType<typeof tempDir>;
  let sqliteUrl: string;
  let target: TestDatabase;

  before(async () => {
    tmp = tempDir();
    sqliteUrl = `sqlite:${join(tmp.dir, 'kabuto.db')}`;
    const h = openDatabase(sqliteUrl);
    try {
      await migrateToLatest(h.db);
      const auth = new AuthService(h.db, systemClock, 14);
      const admin = await auth.createUser(systemActor('test'), { email: 'admin@example.jp', role: 'admin', password: TEST_PASSWORD });
      await auth.createUser(systemActor('test'), { email: 'pub@example.jp', role: 'publisher', password: TEST_PASSWORD, orgId: '130001' });
      await auth.createUser(systemActor('test'), { email: 'member@example.jp', role: 'member', password: TEST_PASSWORD, companyId: 'c-1' });
      await auth.createToken(systemActor('test'), admin.id, 'ci', null);
    } finally {
      await h.close();
    }
    target = await freshDatabase('postgres');
  });
  after(async () => {
    await target?.drop();
    tmp?.cleanup();
  });

  it('moves users and audit rows, with matching row counts and sequences past the copied ids', async () => {
    const r = await kabuto(['db', 'copy', '--to', target.url, '--batch-size', '2'], { env: { DATABASE_URL: sqliteUrl } });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^users\s+3\s+3\s+ok$/m);
    assert.match(r.stdout, /^audit_log\s+4\s+4\s+ok$/m);
    assert.match(r.stdout, /row counts match/);
    assert.doesNotMatch(r.stdout, /MISMATCH/);
    assert.match(r.stderr, /db copy: 100%/);

    const pg = openDatabase(target.url);
    try {
      assert.equal(await count(pg, 'users'), 3);
      assert.equal(await count(pg, 'audit_log'), 4);
      assert.equal(await count(pg, 'api_tokens'), 1);
      const auth = new AuthService(pg.db, systemClock, 14);
      // The copied password hash still verifies, and a new insert gets the next id, not a duplicate key.
      assert.equal((await auth.verifyLogin('pub@example.jp', TEST_PASSWORD, '127.0.0.1')).orgId, '130001');
      const added = await auth.createUser(systemActor('test'), { email: 'after@example.jp', role: 'staff', password: TEST_PASSWORD });
      assert.equal(added.id, 4);
      const audit = await pg.db.selectFrom('audit_log').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.equal(audit.id, 5);
    } finally {
      await pg.close();
    }
  });

  it('refuses a target that holds data (exit 3), and --force-empty replaces it in one go', async () => {
    const refused = await kabuto(['db', 'copy', '--to', target.url], { env: { DATABASE_URL: sqliteUrl } });
    assert.equal(refused.code, 3, show(refused));
    assert.match(refused.stderr, /the target already holds data in: .*users/);
    const pg = openDatabase(target.url);
    try {
      assert.equal(await count(pg, 'users'), 4, 'the refused copy changed nothing');
      const forced = await kabuto(['db', 'copy', '--to', target.url, '--force-empty'], { env: { DATABASE_URL: sqliteUrl } });
      assert.equal(forced.code, 0, show(forced));
      assert.match(forced.stdout, /^users\s+3\s+3\s+ok$/m);
      assert.equal(await count(pg, 'users'), 3);
    } finally {
      await pg.close();
    }
  });

  it('exits 2 when --to is not PostgreSQL or the source is not SQLite', async () => {
    const to = await kabuto(['db', 'copy', '--to', 'sqlite:other.db'], { env: { DATABASE_URL: sqliteUrl } });
    assert.equal(to.code, 2, show(to));
    assert.match(to.stderr, /--to must be a postgres:\/\/ URL/);
    const from = await kabuto(['db', 'copy', '--to', target.url], { env: { DATABASE_URL: target.url, SESSION_SECRET: 'x'.repeat(32) } });
    assert.equal(from.code, 2, show(from));
    assert.match(from.stderr, /db copy reads a SQLite installation/);
  });

  it('copies a table that references itself, even when a parent row comes after its child', async () => {
    const src = `sqlite:${join(tmp.dir, 'tree.db')}`;
    const dst = await freshDatabase('postgres');
    const a = openDatabase(src);
    const b = openDatabase(dst.url);
    try {
      for (const h of [a, b]) {
        await migrateToLatest(h.db);
        await sql`create table cli_tree (id integer primary key, parent_id integer references cli_tree (id), name text not null)`.execute(h.db);
      }
      await sql`insert into cli_tree (id, parent_id, name) values (3, null, 'root'), (1, 2, 'leaf'), (2, 3, 'branch')`.execute(a.db);
      const r = await kabuto(['db', 'copy', '--to', dst.url, '--batch-size', '1'], { env: { DATABASE_URL: src } });
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /^cli_tree\s+3\s+3\s+ok$/m);
      const rows = await sql<{ id: number; parent_id: number | null }>`select id, parent_id from cli_tree order by id`.execute(b.db);
      assert.deepEqual(rows.rows, [
        { id: 1, parent_id: 2 },
        { id: 2, parent_id: 3 },
        { id: 3, parent_id: null },
      ]);
    } finally {
      await a.close();
      await b.close();
      await dst.drop();
    }
  });

  it('carries the company name index over, so search finds companies on PostgreSQL (merged ones too)', async () => {
    const src = `sqlite:${join(tmp.dir, 'companies.db')}`;
    const dst = await freshDatabase('postgres');
    const actor = systemActor('test');
    const a = openDatabase(src);
    let goneId: number;
    let keptId: number;
    try {
      const app = await buildApp(testConfig({ databaseUrl: src }), { handle: a });
      const svc = companiesService(app.kabuto);
      // The company that is merged away comes first, so its merged_into points at a later row.
      goneId = (await svc.create(actor, { nameJa: '兜町証券株式会社', country: 'JP' })).company.id;
      keptId = (await svc.create(actor, { nameJa: '兜町証券', nameEn: 'Kabutocho Securities', country: 'JP' })).company.id;
      await svc.create(actor, { nameEn: 'Marunouchi Trading', country: 'GB' });
      await svc.merge(actor, keptId, goneId);
      await app.close();
    } finally {
      await a.close();
    }
    const r = await kabuto(['db', 'copy', '--to', dst.url], { env: { DATABASE_URL: src } });
    const b = openDatabase(dst.url);
    try {
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /^companies\s+3\s+3\s+ok$/m);
      assert.match(r.stdout, /^company name index \(index\)\s+(\d+)\s+\1\s+ok$/m);
      const app = await buildApp(testConfig({ databaseUrl: dst.url }), { handle: b });
      try {
        const svc = companiesService(app.kabuto);
        const found = await svc.search({ text: '兜町' });
        assert.deepEqual(found.items.map((c) => c.id), [keptId]);
        assert.equal((await svc.search({ text: 'Marunouchi' })).total, 1);
        assert.equal((await svc.get(goneId)).id, keptId, 'the merged id still leads to the survivor');
      } finally {
        await app.close();
      }
    } finally {
      await b.close();
      await dst.drop();
    }
  });

  it('counts as empty a target holding only the rows its migrations insert', async () => {
    const dst = await freshDatabase('postgres');
    const h = openDatabase(dst.url);
    try {
      await sql`create table cli_defaults (key text primary key, value text not null, flag boolean not null)`.execute(h.db);
      await sql`insert into cli_defaults values ('version', '', true), ('epoch', '0', false)`.execute(h.db);
      const baseline = new Map([['cli_defaults', { columns: ['key', 'value', 'flag'], rows: [JSON.stringify(['epoch', '0', 0]), JSON.stringify(['version', '', 1])].sort() }]]);
      const db = h.db as unknown as Parameters<typeof targetState>[0];
      assert.deepEqual(await targetState(db, ['cli_defaults'], baseline), { nonEmpty: ['cli_defaults'], withData: [] });
      await sql`update cli_defaults set value = '7' where key = 'epoch'`.execute(h.db);
      assert.deepEqual(await targetState(db, ['cli_defaults'], baseline), { nonEmpty: ['cli_defaults'], withData: ['cli_defaults'] });
      assert.deepEqual(await targetState(db, ['cli_defaults'], new Map()), { nonEmpty: ['cli_defaults'], withData: ['cli_defaults'] });
    } finally {
      await h.close();
      await dst.drop();
    }
  });

  it('rebuilds the catalog search index on PostgreSQL, so copied datasets are found', async () => {
    const src = `sqlite:${join(tmp.dir, 'catalog.db')}`;
    const dst = await freshDatabase('postgres');
    const a = openDatabase(src);
    try {
      await migrateToLatest(a.db);
      await seedReferenceData({ db: a.db, clock: systemClock });
      const svc = new CatalogService({ db: a.db, dialect: 'sqlite', clock: systemClock, dataDir: tmp.dir });
      await svc.createPackage(systemCaller('test'), dataset('kabuto-population', 'tokyo', { title: '人口統計', notes: '東京都の人口' }));
      await svc.createPackage(systemCaller('test'), dataset('kabuto-childcare', 'tokyo', { title: '保育園一覧', notes: '区市町村別' }));
    } finally {
      await a.close();
    }
    const r = await kabuto(['db', 'copy', '--to', dst.url], { env: { DATABASE_URL: src } });
    const b = openDatabase(dst.url);
    try {
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /^catalog_datasets\s+2\s+2\s+ok$/m);
      assert.match(r.stdout, /rebuilt after the copy: catalog search index, 2 entries \(the source index had 2\)/);
      const found = await search(b.db, 'postgres', { q: '保育', facetFields: [], facetLimit: -1, facetMinCount: 1, rows: 10, start: 0, visibility: { includePrivate: true, orgs: 'all' } });
      assert.equal(found.count, 1, JSON.stringify(found));
    } finally {
      await b.close();
      await dst.drop();
    }
  });
});
