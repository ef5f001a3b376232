import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspectUpload, safeFilename, UPLOAD_MAX_BYTES } from './uploads.js';

/** 施設名,定員 in Shift_JIS. */
const SJIS = Buffer.from([0x8e, 0x7b, 0x90, 0xdd, 0x96, 0xbc, 0x2c, 0x92, 0xe8, 0x88, 0xf5, 0x0a]);

describe('uploads are checked by their content', () => {
  it('accepts UTF-8 and Shift_JIS CSV, JSON and XML by content, keeping the claimed text format', async () => {
    const utf8 = await inspectUpload({ filename: '一覧.csv', bytes: Buffer.from('\uFEFF施設名,定員\n') }, '');
    assert.deepEqual([utf8.upload?.format, utf8.upload?.mimetype], ['CSV', 'text/csv']);
    const shiftJis = await inspectUpload({ filename: 'list.csv', bytes: SJIS }, 'CSV');
    assert.equal(shiftJis.upload?.format, 'CSV');
    const json = await inspectUpload({ filename: 'a.geojson', bytes: Buffer.from('{"type":"FeatureCollection","features":[]}') }, '');
    assert.equal(json.upload?.format, 'GEOJSON');
    const xml = await inspectUpload({ filename: 'feed', bytes: Buffer.from('<?xml version="1.0"?><rdf:RDF/>') }, 'RDF');
    assert.equal(xml.upload?.format, 'RDF');
    assert.equal(utf8.upload?.hash.length, 64);
  });

  it('refuses a claimed format the content contradicts, HTML, SVG, binaries it does not know, empty and oversized files', async () => {
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n');
    assert.equal((await inspectUpload({ filename: 'x.csv', bytes: pdf }, '')).issue?.code, 'uploadMismatch');
    assert.equal((await inspectUpload({ filename: 'x.pdf', bytes: pdf }, '')).upload?.format, 'PDF');
    assert.equal((await inspectUpload({ filename: 'x.xlsx', bytes: Buffer.from('a,b\n') }, '')).issue?.code, 'uploadMismatch');
    assert.equal((await inspectUpload({ filename: 'x.csv', bytes: Buffer.from('<!DOCTYPE html><script>alert(1)</script>') }, 'CSV')).issue?.code, 'uploadType');
    assert.equal((await inspectUpload({ filename: 'x.svg', bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') }, '')).issue?.code, 'uploadType');
    assert.equal((await inspectUpload({ filename: 'x.csv', bytes: Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(100)]) }, '')).issue?.code, 'uploadType');
    assert.equal((await inspectUpload({ filename: 'x.csv', bytes: Buffer.alloc(0) }, '')).issue?.code, 'uploadEmpty');
    assert.equal((await inspectUpload({ filename: 'x.csv', bytes: Buffer.alloc(UPLOAD_MAX_BYTES + 1, 0x61) }, '')).issue?.code, 'uploadTooLarge');
  });

  it('keeps a safe base name of the uploaded file', () => {
    assert.equal(safeFilename('../../etc/passwd'), 'passwd');
    assert.equal(safeFilename('C:\\data\\保育園 一覧.csv'), '保育園-一覧.csv');
    assert.equal(safeFilename('.htaccess'), 'htaccess');
    assert.equal(safeFilename('///'), 'file');
  });
});
