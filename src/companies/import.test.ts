import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIALECTS, freshDatabase, skipFor, testApp, type TestApp, type TestDatabase } from '../../test/helpers.js';
import { kabuto } from '../../test/cli/run.js';
import { sql } from 'kysely';
import { systemActor } from '../core/audit.js';
import { openDatabase } from '../core/db/index.js';
import { checkDigit } from './corporate-number.js';
import { companiesService } from './index.js';
import { importCompanies, ImportFileError } from './import.js';
import { RANK_AT_MOST } from './store.js';

/** A valid 法人番号 from a 12-digit base. */
const jcn = (base: string) => `${checkDigit(base)}${base}`;
const N1 = jcn('010001000001');
const N2 = jcn('010001000002');
const N3 = jcn('010401000003');
const N4 = jcn('120001000004');
const bad = `${(checkDigit('010001000005') + 1) % 10}010001000005`;

const HEADER = 'corporate_number,name,kana,name_en,location,postal_code,capital_stock,employee_number,business_summary,company_url,jsic_major,homepage_colour';
const GOOD = [
  `${N1},株式会社丸の内フィナンシャル,マルノウチフィナンシャル,Marunouchi Financial Co.，Ltd.,東京都千代田区丸の内1-1-1,100-0005,"1,000,000,000",120,"資産運用業。ESG投資、""グリーンボンド""など",https://example.jp,J,blue`,
  `${N2},西新宿データ合同会社,ニシシンジュクデータ,,東京都新宿区西新宿2-8-1,1638001,5000000,8,"データ分析
クラウド",,G,`,
  `${N3},青ヶ島水産株式会社,アオガシマスイサン,Aogashima Fisheries,東京都青ケ島村無番地,100-1701,,3,,,,`,
  `${N4},大阪商事株式会社,オオサカショウジ,"Osaka Trading Co.,Ltd.",大阪府大阪市北区梅田1-1,530-0001,10000000,50,,,I,`,
];
const BAD = [
  `${bad},誤番号株式会社,,,東京都港区,,,,,,,`,
  `,番号なし株式会社,,,東京都港区,,,,,,,`,
  `${jcn('010001000006')},資本金不正株式会社,,,東京都港区,,百万円,,,,,`,
  `${jcn('010001000007')},業種不正株式会社,,,東京都港区,,,,,,Z,`,
  `${N1},株式会社丸の内フィナンシャル（重複行）,,,東京都千代田区,,,,,,,`,
];

const csv = (rows: string[]) => '\ufeff' + [HEADER, ...rows].join('\r\n') + '\r\n';

for (const dialect of DIALECTS) {
  describe(`companies import [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    const ctx = () => ({ db: t.handle.db, dialect: t.handle.dialect, clock: t.clock });
    const counts = async () => ({
      companies: Number((await t.handle.db.selectFrom('companies').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
      audit: Number((await t.handle.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
    });
    before(async () => {
      t = await testApp(dialect);
    });
    after(async () => t?.close());

    it('checks every row in a dry run, reports bad rows by line and field, and writes nothing', async () => {
      const before = await counts();
      const r = await importCompanies(ctx(), csv([...GOOD, ...BAD]), systemActor('test'), { dryRun: true });
      assert.equal(r.dryRun, true);
      assert.deepEqual([r.rows, r.created, r.updated, r.unchanged, r.skipped], [9, 4, 0, 0, 5]);
      // Lines: header 1, GOOD rows 2–5 (row 3 spans two lines), BAD rows from 7.
      assert.deepEqual(
        r.problems.map((p) => [p.row, p.field]),
        [
          [7, 'corporate_number'],
          [8, 'corporate_number'],
          [9, 'capital_stock'],
          [10, 'jsic_major'],
          [11, 'corporate_number'],
        ],
      );
      assert.match(r.problems[0]!.reason, /check digit/);
      assert.match(r.problems[4]!.reason, /line 2/);
      assert.deepEqual(r.ignoredColumns, ['homepage_colour']);
      assert.deepEqual(await counts(), before);
    });

    it('imports good rows, skips bad ones whole, and derives Tokyo and the municipality from the location', async () => {
      const r = await importCompanies(ctx(), csv([...GOOD, ...BAD]), systemActor('test'), { batchSize: 2 });
      assert.deepEqual([r.created, r.updated, r.skipped], [4, 0, 5]);
      const svc = companiesService(t.app.kabuto);
      const { items } = await svc.search({ corporateNumber: N1 });
      const c = items[0]!;
      assert.equal(c.nameEn, 'Marunouchi Financial Co.，Ltd.');
      assert.equal(c.capitalYen, 1_000_000_000);
      assert.equal(c.employees, 120);
      assert.equal(c.lgCode, '131016');
      assert.equal(c.registeredInTokyo, true);
      assert.equal(c.jsicMajor, 'J');
      assert.equal(c.summary, '資産運用業。ESG投資、"グリーンボンド"など');
      const nishi = (await svc.search({ corporateNumber: N2 })).items[0]!;
      assert.equal(nishi.postalCode, '163-8001');
      assert.equal(nishi.summary, 'データ分析\nクラウド');
      assert.equal(nishi.lgCode, '131041');
      assert.equal((await svc.search({ corporateNumber: N3 })).items[0]!.lgCode, '134023');
      const osaka = (await svc.search({ corporateNumber: N4 })).items[0]!;
      assert.equal(osaka.registeredInTokyo, false);
      assert.equal(osaka.lgCode, null);
      assert.equal((await svc.search({ text: 'フィナンシャル' })).total, 1);
      assert.equal((await svc.search({ text: '誤番号' })).total, 0, 'a bad row leaves nothing behind, not even its search entry');
      const audits = await t.handle.db.selectFrom('audit_log').select('action').where('action', '=', 'company.create').execute();
      assert.equal(audits.length, 4);
    });

    it('is idempotent on the 法人番号: the same file again changes nothing; a changed row updates, never duplicates', async () => {
      const before = await counts();
      const again = await importCompanies(ctx(), csv(GOOD), systemActor('test'));
      assert.deepEqual([again.created, again.updated, again.unchanged, again.skipped], [0, 0, 4, 0]);
      assert.deepEqual(await counts(), before);
      const changed = GOOD.map((r, i) => (i === 0 ? r.replace(',120,', ',150,') : r));
      const r = await importCompanies(ctx(), csv([...changed, `${jcn('010001000008')},ＡＢＣ（株）,,,東京都港区芝公園4-2-8,,,,,,,`]), systemActor('test'));
      assert.deepEqual([r.created, r.updated, r.unchanged], [1, 1, 3]);
      assert.equal((await counts()).companies, before.companies + 1);
      assert.equal((await companiesService(t.app.kabuto).search({ corporateNumber: N1 })).items[0]!.employees, 150);
    });

    it('warns about a name like an existing company and still imports the row', async () => {
      await companiesService(t.app.kabuto).create(systemActor('test'), { nameEn: 'Tamagawa Seiki Co., Ltd.', country: 'JP' });
      const r = await importCompanies(ctx(), csv([`${jcn('010001000009')},多摩川精機株式会社,,TAMAGAWA SEIKI K.K.,東京都大田区,,,,,,,`]), systemActor('test'));
      assert.equal(r.created, 1);
      assert.equal(r.warnings.length, 1);
      assert.equal(r.warnings[0]!.field, 'name_en');
    });

    it('skips a row the database refuses at write time whole, and keeps the rest of its batch', async () => {
      // A trigger plays another writer that registered the number between the checks and the write.
      if (dialect === 'sqlite') {
        await sql`create trigger refuse_one before insert on companies when new.name_ja = '拒否される株式会社' begin select raise(abort, 'UNIQUE constraint failed: companies.corporate_number'); end`.execute(t.handle.db);
      } else {
        await sql`create function refuse_one() returns trigger language plpgsql as $$ begin if new.name_ja = '拒否される株式会社' then raise exception 'duplicate key value violates unique constraint' using errcode = 'unique_violation'; end if; return new; end $$`.execute(t.handle.db);
        await sql`create trigger refuse_one before insert on companies for each row execute function refuse_one()`.execute(t.handle.db);
      }
      try {
        const rows = [`${jcn('020001000001')},前の行株式会社,,,東京都港区,,,,,,,`, `${jcn('020001000002')},拒否される株式会社,,,東京都港区,,,,,,,`, `${jcn('020001000003')},後の行株式会社,,,東京都港区,,,,,,,`];
        const before = await counts();
        const r = await importCompanies(ctx(), csv(rows), systemActor('test'));
        assert.deepEqual([r.created, r.skipped], [2, 1]);
        assert.deepEqual(r.problems.map((p) => [p.row, p.field]), [[3, 'corporate_number']]);
        assert.match(r.problems[0]!.reason, /refused/);
        const after = await counts();
        assert.equal(after.companies, before.companies + 2);
        assert.equal(after.audit, before.audit + 2, 'no audit entry for the refused row');
        const svc = companiesService(t.app.kabuto);
        assert.equal((await svc.search({ text: '拒否' })).total, 0);
        assert.equal((await svc.search({ text: '後の行' })).total, 1);
      } finally {
        await sql`drop trigger refuse_one${dialect === 'postgres' ? sql` on companies` : sql``}`.execute(t.handle.db);
      }
    });

    it('imports a thousand rows at once; a broad name search lists exact names first, then the newest', async () => {
      const many = Array.from({ length: RANK_AT_MOST + 1 }, (_, i) => `${jcn(String(300001000000 + i))},共通商事${i}株式会社,,,東京都中央区,,,,,,,`);
      const r = await importCompanies(ctx(), csv([`${jcn('300000999999')},共通商事株式会社,,,東京都中央区,,,,,,,`, ...many]), systemActor('test'));
      assert.equal(r.created, RANK_AT_MOST + 2);
      const svc = companiesService(t.app.kabuto);
      const found = await svc.search({ text: '共通商事', limit: 3 });
      assert.equal(found.total, RANK_AT_MOST + 2);
      assert.deepEqual(found.items.map((c) => c.nameJa), ['共通商事株式会社', `共通商事${RANK_AT_MOST}株式会社`, `共通商事${RANK_AT_MOST - 1}株式会社`]);
    });

    it('refuses a file without the columns it needs, writing nothing', async () => {
      await assert.rejects(importCompanies(ctx(), 'name,location\nx,y\n', systemActor('test')), ImportFileError);
      await assert.rejects(importCompanies(ctx(), '', systemActor('test')), ImportFileError);
    });
  });

  describe(`kabuto companies import [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let db: TestDatabase;
    let dir: string;
    before(async () => {
      db = await freshDatabase(dialect);
      dir = mkdtempSync(join(tmpdir(), 'kabuto-companies-'));
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await db?.drop();
    });

    it('imports with a per-row report; --dry-run writes nothing; a skipped row exits 1, the good rows kept', async () => {
      const file = join(dir, 'companies.csv');
      writeFileSync(file, csv([...GOOD, BAD[0]!]));
      const url = dialect === 'sqlite' ? `sqlite:${join(dir, 'k.db')}` : db.url;
      const env = { DATABASE_URL: url, SESSION_SECRET: 'x'.repeat(40) };
      const dry = await kabuto(['companies', 'import', file, '--dry-run'], { env });
      assert.equal(dry.code, 1, dry.stderr);
      assert.match(dry.stderr, /1 row\(s\) skipped \(dry run\)/);
      assert.match(dry.stdout, /dry run: nothing written/);
      assert.match(dry.stdout, /would create\s+4/);
      assert.match(dry.stdout, /^\s*7\s+corporate_number\s+check digit/m);
      const h = openDatabase(url);
      try {
        assert.equal((await h.db.selectFrom('companies').select('id').execute()).length, 0);
        const real = await kabuto(['companies', 'import', file], { env });
        assert.equal(real.code, 1, real.stderr);
        assert.match(real.stdout, /created\s+4/);
        assert.match(real.stdout, /skipped \(bad rows\)\s+1/);
        assert.match(real.stderr, /companies import/);
        assert.equal((await h.db.selectFrom('companies').select('id').execute()).length, 4);
      } finally {
        await h.close();
      }
      writeFileSync(file, csv(GOOD));
      const clean = await kabuto(['companies', 'import', file], { env });
      assert.equal(clean.code, 0, clean.stderr);
      assert.match(clean.stdout, /unchanged\s+4/);
      const missing = await kabuto(['companies', 'import', join(dir, 'nope.csv')], { env });
      assert.equal(missing.code, 2);
    });
  });
}
