import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { DIALECTS, skipFor, type TestApp } from '../../../test/helpers.js';
import { catalogService, systemCaller } from '../index.js';
import { act, catalogApp, dataset, token } from '../testing.js';
import { detectEncoding, indentJson, previewFile, type TablePreview } from './preview.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const CSV = '名称,住所,緯度\n目黒区役所,東京都目黒区上目黒二丁目19番15号,35.6415\n"改行\nのある名称","カンマ,のある住所",35.6\n㈱テスト①,髙橋,35.5\n';
const BIG_BYTES = 200 * 1024 * 1024;

let dir: string;
let big: string;

async function xlsx(rows: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('一覧');
  ws.addRow(['名称', '件数', '日付']);
  for (let i = 1; i <= rows; i++) ws.addRow([`施設${i}`, i, new Date(Date.UTC(2024, 0, i))]);
  wb.addWorksheet('二枚目').addRow(['見えないシート']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kabuto-preview-'));
  big = join(dir, 'big.csv');
  const w = createWriteStream(big);
  const chunk = '目黒区役所,東京都目黒区上目黒二丁目19番15号,35.6415,139.6983,"説明, 長め"\n'.repeat(4000);
  w.write('名称,住所,緯度,経度,説明\n');
  for (let n = 0; n < BIG_BYTES; n += Buffer.byteLength(chunk)) if (!w.write(chunk)) await once(w, 'drain');
  w.end();
  await once(w, 'finish');
});
after(async () => rm(dir, { recursive: true, force: true }));

describe('previews of files', () => {
  it('detects Shift_JIS, EUC-JP and UTF-8 with and without a BOM', () => {
    assert.deepEqual(detectEncoding(iconv.encode(CSV, 'cp932')), { encoding: 'shift_jis', bom: false });
    assert.deepEqual(detectEncoding(iconv.encode(CSV, 'euc-jp')), { encoding: 'euc-jp', bom: false });
    assert.deepEqual(detectEncoding(Buffer.from(CSV)), { encoding: 'utf-8', bom: false });
    assert.deepEqual(detectEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CSV)])), { encoding: 'utf-8', bom: true });
    const cut = Buffer.from(CSV).subarray(0, 20);
    assert.equal(detectEncoding(cut, false).encoding, 'utf-8', 'a sample cut inside a character is still UTF-8');
  });

  it('reads the same table from every encoding, quoted newlines and commas and CP932 characters included', async () => {
    const files: [string, Buffer][] = [
      ['sjis.csv', iconv.encode(CSV, 'cp932')],
      ['eucjp.csv', iconv.encode(CSV.replace('㈱テスト①', '株式会社テスト1'), 'euc-jp')],
      ['bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CSV)])],
    ];
    for (const [name, bytes] of files) {
      await writeFile(join(dir, name), bytes);
      const p = (await previewFile(join(dir, name), 'CSV')) as TablePreview;
      assert.deepEqual(p.header, ['名称', '住所', '緯度'], name);
      assert.equal(p.rows.length, 3, name);
      assert.deepEqual(p.rows[1], ['改行\nのある名称', 'カンマ,のある住所', '35.6'], name);
      assert.equal(p.truncated, false);
    }
    const sjis = (await previewFile(join(dir, 'sjis.csv'), 'CSV')) as TablePreview;
    assert.equal(sjis.rows[2]![0], '㈱テスト①');
    assert.equal(sjis.rows[2]![1], '髙橋');
  });

  it('reads TSV, and a tab-separated file called CSV', async () => {
    await writeFile(join(dir, 'a.tsv'), CSV.replace(/,(?=[^"]*(?:"[^"]*"[^"]*)*$)/gm, '\t'));
    for (const format of ['TSV', 'CSV']) {
      const p = (await previewFile(join(dir, 'a.tsv'), format)) as TablePreview;
      assert.equal(p.format, 'TSV');
      assert.deepEqual(p.header, ['名称', '住所', '緯度']);
      assert.deepEqual(p.rows[0], ['目黒区役所', '東京都目黒区上目黒二丁目19番15号', '35.6415']);
    }
  });

  it('shows the first 100 rows of the first sheet of an XLSX', async () => {
    await writeFile(join(dir, 'a.xlsx'), await xlsx(250));
    const p = (await previewFile(join(dir, 'a.xlsx'), 'XLSX')) as TablePreview;
    assert.equal(p.sheet, '一覧');
    assert.deepEqual(p.header, ['名称', '件数', '日付']);
    assert.equal(p.rows.length, 100);
    assert.deepEqual(p.rows[0], ['施設1', '1', '2024-01-01']);
    assert.deepEqual(p.rows[99], ['施設100', '100', '2024-04-09']);
    assert.equal(p.truncated, true);
    await writeFile(join(dir, 'small.xlsx'), await xlsx(3));
    const small = (await previewFile(join(dir, 'small.xlsx'), 'XLSX')) as TablePreview;
    assert.equal(small.rows.length, 3);
    assert.equal(small.truncated, false);
  });

  it('pretty-prints JSON, and re-indents the beginning of one too large to parse', async () => {
    await writeFile(join(dir, 'a.json'), JSON.stringify({ 名称: '目黒区', 施設: [{ id: 1 }, { id: 2 }], 空: {} }));
    const p = await previewFile(join(dir, 'a.json'), 'JSON');
    assert.equal(p.kind, 'json');
    assert.equal(p.kind === 'json' && p.text, JSON.stringify({ 名称: '目黒区', 施設: [{ id: 1 }, { id: 2 }], 空: {} }, null, 2));
    assert.equal(p.kind === 'json' && p.truncated, false);
    const items = Array.from({ length: 20000 }, (_, i) => ({ id: i, name: `施設${i}`, note: 'a "quoted" {brace}, [bracket]' }));
    await writeFile(join(dir, 'large.json'), JSON.stringify(items));
    const l = await previewFile(join(dir, 'large.json'), 'JSON');
    assert.ok(l.kind === 'json' && l.truncated);
    assert.ok(l.kind === 'json' && l.text.startsWith('[\n  {\n    "id": 0,\n    "name": "施設0",\n    "note": "a \\"quoted\\" {brace}, [bracket]"\n  },'));
    assert.ok(l.kind === 'json' && l.text.split('\n').length <= 500);
    assert.equal(indentJson('{"a":[1,{"b":"x,y"}]}'), '{\n  "a": [\n    1,\n    {\n      "b": "x,y"\n    }\n  ]\n}');
  });

  it('previews a 200 MB CSV in under a second without reading it whole (heap grows by less than 8 MB)', async () => {
    gc();
    const heap = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const p = (await previewFile(big, 'CSV')) as TablePreview;
    const ms = performance.now() - t0;
    const grown = process.memoryUsage().heapUsed - heap;
    assert.equal(p.rows.length, 100);
    assert.equal(p.truncated, true);
    assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
    assert.ok(grown < 8 * 1024 * 1024, `heap grew by ${(grown / 1048576).toFixed(1)} MB`);
    const capped = (await previewFile(big, 'CSV', { maxBytes: 300 })) as TablePreview;
    assert.ok(capped.rows.length < 5 && capped.truncated, 'the byte cap stops the read');
  });
});

for (const dialect of DIALECTS) {
  describe(`resource previews [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    const ids: Record<string, string> = {};
    before(async () => {
      t = await catalogApp(dialect);
      const svc = catalogService(t.app.kabuto);
      const sys = systemCaller('test');
      await svc.createPackage(sys, dataset('preview-data', 'tokyo', { resources: [{ url: 'https://example.jp/remote.csv', name: '外部のCSV', format: 'CSV' }] }));
      await svc.createPackage(sys, dataset('preview-private', 'tokyo', { private: true, resources: [] }));
      const files: [string, string, Buffer, string][] = [
        ['sjis', 'sjis.csv', iconv.encode(CSV, 'cp932'), 'CSV'],
        ['eucjp', 'eucjp.csv', iconv.encode(CSV.replace('㈱テスト①', '株式会社テスト1'), 'euc-jp'), 'CSV'],
        ['bom', 'bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CSV)]), 'CSV'],
        ['tsv', 'a.tsv', Buffer.from('名称\t件数\n施設\t1\n'), 'TSV'],
        ['xlsx', 'a.xlsx', await xlsx(120), 'XLSX'],
        ['json', 'a.json', Buffer.from('{"名称": "目黒区", "件数": [1, 2]}'), 'JSON'],
        ['big', 'big.csv', Buffer.from('名称,住所\nx,y\n'), 'CSV'],
      ];
      for (const [key, filename, bytes, format] of files) {
        const r = await svc.resourceCreate(sys, { package_id: 'preview-data', name: `${key} ファイル`, format }, { filename, bytes });
        ids[key] = r.id;
      }
      const priv = await svc.resourceCreate(sys, { package_id: 'preview-private', name: '非公開', format: 'CSV' }, { filename: 'p.csv', bytes: Buffer.from('a,b\n1,2\n') });
      ids.private = priv.id;
      ids.remote = (await svc.full((await svc.resolve('preview-data'))!.row.id))!.resources[0]!.id;
      // The 200 MB file takes the place of a stored upload (uploads are capped at 20 MB; files in DATA_DIR need not be).
      const bigRes = await t.app.kabuto.db.selectFrom('catalog_resources').select('upload_key').where('id', '=', ids.big!).executeTakeFirstOrThrow();
      await copyFile(big, svc.uploads.path(bigRes.upload_key!));
    });
    after(async () => t?.close());

    const api = (id: string, q = '') => t.app.inject({ url: `/api/v1/catalog/resources/${id}/preview${q}` });

    it('answers the API with the table of each upload, its encoding found', async () => {
      for (const [key, encoding] of [['sjis', 'shift_jis'], ['eucjp', 'euc-jp'], ['bom', 'utf-8']] as const) {
        const res = await api(ids[key]!);
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json();
        assert.equal(body.status, 'ok');
        assert.equal(body.preview.encoding, encoding);
        assert.equal(body.preview.bom, key === 'bom');
        assert.deepEqual(body.preview.header, ['名称', '住所', '緯度']);
        assert.equal(body.preview.rows[0][0], '目黒区役所');
      }
      assert.deepEqual((await api(ids.tsv!)).json().preview.rows, [['施設', '1']]);
      const x = (await api(ids.xlsx!, '?rows=10')).json();
      assert.equal(x.preview.rows.length, 10);
      assert.equal(x.preview.truncated, true);
      assert.match((await api(ids.json!)).json().preview.text, /^\{\n {2}"名称": "目黒区",/);
      assert.equal((await api(ids.sjis!, '?rows=1000')).statusCode, 400, 'rows is capped at 100');
      assert.equal((await api(ids.sjis!, '?sort=x')).statusCode, 400, 'unknown parameters are refused');
    });

    it('does not fetch remote files, and hides resources of datasets the reader may not see', async () => {
      const remote = (await api(ids.remote!)).json();
      assert.deepEqual([remote.status, remote.reason], ['unavailable', 'remote']);
      assert.equal((await api(ids.private!)).statusCode, 403);
      assert.equal((await api('no-such-resource')).statusCode, 404);
      const tok = await token(t.app, 'admin');
      assert.equal((await t.app.inject({ url: `/api/v1/catalog/resources/${ids.private}/preview`, headers: { authorization: `Bearer ${tok}` } })).statusCode, 200);
      assert.equal((await t.app.inject({ url: `/dataset/preview-private/resource/${ids.private}/preview` })).statusCode, 404);
    });

    it('shows the preview page in Japanese and English, linked from the dataset page', async () => {
      const ds = await t.app.inject({ url: '/dataset/preview-data' });
      assert.ok(ds.body.includes(`/dataset/preview-data/resource/${ids.sjis}/preview`), 'preview link on the dataset page');
      assert.ok(!ds.body.includes(`/resource/${ids.remote}/preview`), 'no preview link for a remote file');
      for (const lang of ['ja', 'en']) {
        const res = await t.app.inject({ url: `/dataset/preview-data/resource/${ids.sjis}/preview?lang=${lang}` });
        assert.equal(res.statusCode, 200);
        assert.match(res.body, /<caption id="preview-caption">/);
        assert.ok(res.body.includes('㈱テスト①'));
        assert.ok(res.body.includes(lang === 'ja' ? '文字コード: Shift_JIS' : 'Character encoding: Shift_JIS'));
        assert.ok(!/preview\.[a-z]/.test(res.body), 'no raw message keys');
      }
      const remote = await t.app.inject({ url: `/dataset/preview-data/resource/${ids.remote}/preview?lang=en` });
      assert.match(remote.body, /Files on other sites cannot be previewed here/);
      const json = await t.app.inject({ url: `/dataset/preview-data/resource/${ids.json}/preview` });
      assert.match(json.body, /<pre class="preview-json"/);
    });

    it('previews a 200 MB stored file through the API in under a second', async () => {
      gc();
      const heap = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      const res = await api(ids.big!);
      const ms = performance.now() - t0;
      const grown = process.memoryUsage().heapUsed - heap;
      const body = res.json();
      assert.equal(body.preview.rows.length, 100);
      assert.equal(body.preview.truncated, true);
      assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
      assert.ok(grown < 16 * 1024 * 1024, `heap grew by ${(grown / 1048576).toFixed(1)} MB`);
    });
  });
}
