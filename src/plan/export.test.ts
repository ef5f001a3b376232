import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { DIALECTS, skipFor, testApp, tokenFor, type TestApp } from '../../test/helpers.js';
import { systemActor } from '../core/audit.js';
import { planService } from './index.js';
import { toCsv, XLSX_TYPE } from './export.js';

/** A minimal RFC 4180 reader (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

const TARGET_IDS = ['T1-01', 'T1-02', 'T1-03', 'T1-04', 'T2-01', 'T2-02', 'T2-03', 'T2-04', 'T2-05', 'T2-06', 'T2-07', 'T2-08', 'T2-09', 'T2-10', 'T3-01', 'T3-02', 'T3-03', 'T3-04'];

describe('CSV writer', () => {
  it('quotes commas, quotes and line breaks and leaves empty cells empty', () => {
    const buf = toCsv({ name: 's', headers: ['a', 'b'], rows: [['x,y', 'say "hi"'], ['two\nlines', null]] });
    assert.deepEqual([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(buf.subarray(3).toString('utf8'), 'a,b\r\n"x,y","say ""hi"""\r\n"two\nlines",\r\n');
  });
});

for (const dialect of DIALECTS) {
  describe(`plan exports (${dialect})`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    before(async () => {
      t = await testApp(dialect, { config: { seedPlan: true } });
      // Figures entered by staff, whatever other modules bind to their metrics.
      const svc = planService(t.app.kabuto);
      for (const ind of (await svc.view())!.indicators) await svc.bind(systemActor('test'), ind.id, null);
      const token = await tokenFor(t.app, 'staff');
      for (const [period, value] of [
        [2017, 12],
        [2018, 9],
      ]) {
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/plan/indicators/IND-FOREIGN-FINANCIAL-ATTRACTION/measurements', headers: { authorization: `Bearer ${token}` }, payload: { period, value, source: '産業労働局調べ, 速報' } });
        assert.equal(res.statusCode, 201, res.body);
      }
    });
    after(async () => t?.close());

    it('serves the targets as CSV with a BOM, one row per target (18), Japanese headers by default', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/plan/export.csv' });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^text\/csv; charset=utf-8/);
      assert.match(res.headers['content-disposition'] as string, /attachment; filename="kabuto-plan-targets-ja\.csv"/);
      assert.deepEqual([...res.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'no UTF-8 byte-order mark');
      const rows = parseCsv(res.rawPayload.subarray(3).toString('utf8'));
      const [head, ...body] = rows;
      assert.equal(body.length, 18);
      assert.deepEqual(body.map((r) => r[0]), TARGET_IDS);
      assert.equal(head![0], '目標ID');
      assert.ok(head!.includes('政策目標（日本語）') && head!.includes('2017年度 実績'));
      const col = (name: string) => head!.indexOf(name);
      const t101 = body.find((r) => r[0] === 'T1-01')!;
      assert.equal(t101[col('政策目標（日本語）')], '都による金融系外国企業誘致数');
      assert.equal(t101[col('目標値（原文）')], '40社');
      assert.equal(t101[col('最新実績（累計の指標は累計）')], '21');
      assert.equal(t101[col('2017年度 実績')], '12');
      assert.equal(t101[col('2018年度 実績')], '9');
      assert.equal(t101[col('達成状況コード')], 'on_track');
      assert.equal(body.find((r) => r[0] === 'T2-04')![col('目標値（原文）')], '４万件');
    });

    it('writes English headers with ?lang=en and keeps the values and codes', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/plan/export.csv?lang=en' });
      assert.equal(res.statusCode, 200);
      const [head, ...body] = parseCsv(res.rawPayload.subarray(3).toString('utf8'));
      assert.equal(head![0], 'Target ID');
      assert.ok(head!.includes('FY2024 actual'));
      assert.equal(body.length, 18);
      assert.equal(body[0]![head!.indexOf('Status')], 'on track');
      assert.equal(body[0]![head!.indexOf('Status code')], 'on_track');
    });

    it('refuses an unknown query field on the export', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/plan/export.csv?format=tsv' });
      assert.equal(res.statusCode, 400);
    });

    it('serves a real XLSX workbook with sheets of targets, actuals by year and the annual plan', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/plan/export.xlsx?lang=ja' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], XLSX_TYPE);
      assert.match(res.headers['content-disposition'] as string, /attachment; filename="kabuto-plan-ja\.xlsx"/);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      assert.deepEqual(
        wb.worksheets.map((w) => w.name),
        ['目標', '年度別実績', '年次計画'],
      );
      const targets = wb.getWorksheet('目標')!;
      assert.equal(targets.rowCount, 19);
      assert.equal(targets.getRow(1).getCell(1).value, '目標ID');
      assert.deepEqual(
        Array.from({ length: 18 }, (_, i) => targets.getRow(i + 2).getCell(1).value),
        TARGET_IDS,
      );
      const actuals = wb.getWorksheet('年度別実績')!;
      const rows = Array.from({ length: actuals.rowCount - 1 }, (_, i) => actuals.getRow(i + 2).values as unknown[]);
      const fin = rows.filter((r) => r[1] === 'IND-FOREIGN-FINANCIAL-ATTRACTION');
      assert.deepEqual(
        fin.map((r) => [r[5], r[6], r[7]]),
        [
          [2017, 12, 12],
          [2018, 9, 21],
        ],
      );
      const annual = wb.getWorksheet('年次計画')!;
      const rowIds = new Set(Array.from({ length: annual.rowCount - 1 }, (_, i) => annual.getRow(i + 2).getCell(1).value));
      assert.equal(rowIds.size, 36);
      assert.equal(annual.getRow(1).getCell(8).value, '2017年度');
    });

    it('names the sheets in English with ?lang=en', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/plan/export.xlsx?lang=en' });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      assert.deepEqual(
        wb.worksheets.map((w) => w.name),
        ['Targets', 'Actuals by year', 'Annual plan'],
      );
    });

    it('lists both exports in the OpenAPI document under the plan tag', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
      const doc = res.json() as { paths: Record<string, { get?: { tags?: string[]; responses?: Record<string, { content?: Record<string, unknown> }> } }> };
      for (const [path, type] of [
        ['/api/v1/plan/export.csv', 'text/csv'],
        ['/api/v1/plan/export.xlsx', XLSX_TYPE],
      ] as const) {
        const op = doc.paths[path]?.get;
        assert.ok(op, `${path} is missing from the OpenAPI document`);
        assert.deepEqual(op.tags, ['plan']);
        assert.ok(op.responses?.['200']?.content?.[type], `${path} does not declare ${type}`);
      }
    });

    it('follows a new measurement in the next export (the cached file is keyed on the data version)', async () => {
      const first = await t.app.inject({ method: 'GET', url: '/api/v1/plan/export.csv' });
      const token = await tokenFor(t.app, 'staff');
      const w = await t.app.inject({ method: 'POST', url: '/api/v1/plan/indicators/IND-SME-IOT/measurements', headers: { authorization: `Bearer ${token}` }, payload: { period: 2017, value: 7, source: 'test' } });
      assert.equal(w.statusCode, 201);
      const second = await t.app.inject({ method: 'GET', url: '/api/v1/plan/export.csv' });
      const row = (body: Buffer) => parseCsv(body.subarray(3).toString('utf8')).find((r) => r[0] === 'T2-03')!;
      const head = parseCsv(second.rawPayload.subarray(3).toString('utf8'))[0]!;
      assert.equal(row(first.rawPayload)[head.indexOf('2017年度 実績')], '');
      assert.equal(row(second.rawPayload)[head.indexOf('2017年度 実績')], '7');
    });
  });
}
