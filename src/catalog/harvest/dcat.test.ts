import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DIALECTS, skipFor, type TestApp } from '../../../test/helpers.js';
import { catalogApp } from '../testing.js';
import { systemActor } from '../../core/audit.js';
import type { AuthUser } from '../../core/auth/service.js';
import { CatalogService } from '../service.js';
import { HarvestSources } from './sources.js';
import { runHarvest, type HarvestDeps } from './runner.js';
import { parseRdf } from './rdf.js';

// Catalog pages shaped as ckanext-dcat writes them (ckan/ckanext-dcat at 02099725f1d419b4de26c15e90ef5f56df10815f:
// examples/dcat/catalog_datasets_list.rdf for the dataset and distribution shape, ckanext/dcat/processors.py
// _add_pagination_triples for a hydra:PagedCollection with hydra:next and hydra:nextPage as literals).
const staff = { id: 1, email: 's@example.jp', role: 'staff', displayName: 's', orgId: null, companyId: null } as unknown as AuthUser;

function turtlePage(base: string, page: number): string {
  const next = page === 1 ? `hydra:next "${base}/catalog.ttl?page=2" ; hydra:nextPage "${base}/catalog.ttl?page=2" ;` : '';
  const ds = (n: number) => `
<https://data.city.example.jp/dataset/d${n}> a dcat:Dataset ;
  dct:identifier "d${n}" ;
  dct:title "保育園一覧 ${n}"@ja, "Nursery schools ${n}"@en ;
  dct:description "区内の認可保育園の一覧です。"@ja ;
  dcat:keyword "保育"@ja, "子育て"@ja, "childcare"@en ;
  dct:issued "2023-04-01"^^xsd:date ;
  dct:modified "2024-0${page}-0${n}T09:00:00+09:00"^^xsd:dateTime ;
  dct:license <https://creativecommons.org/licenses/by/4.0/> ;
  dct:publisher [ a foaf:Organization ; foaf:name "世田谷区" ] ;
  dcat:contactPoint [ a vcard:Organization ; vcard:fn "保育課" ; vcard:hasEmail <mailto:hoiku@city.example.jp> ] ;
  dcat:distribution <https://data.city.example.jp/dataset/d${n}/csv> , [ a dcat:Distribution ; dct:title "PDF 版"@ja ; dcat:accessURL <https://data.city.example.jp/d${n}.pdf> ; dct:format [ a dct:IMT ; rdf:value "application/pdf" ] ] .
<https://data.city.example.jp/dataset/d${n}/csv> a dcat:Distribution ;
  dct:title "CSV"@ja ; dcat:downloadURL <https://data.city.example.jp/d${n}.csv> ; dcat:mediaType "text/csv" ; dcat:byteSize "1024"^^xsd:decimal .`;
  return `@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
<${base}/catalog.ttl?page=${page}> a hydra:PagedCollection ; ${next} hydra:totalItems "4"^^xsd:integer ; hydra:itemsPerPage "2"^^xsd:integer .
<https://data.city.example.jp/catalog> a dcat:Catalog .
${[page * 2 - 1, page * 2].map(ds).join('\n')}`;
}

const RDFXML = `<?xml version="1.0" encoding="utf-8" ?>
<rdf:RDF xmlns:dct="http://purl.org/dc/terms/" xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:foaf="http://xmlns.com/foaf/0.1/" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <dcat:Dataset rdf:about="https://data.some.org/catalog/datasets/1">
    <dct:identifier>https://data.some.org/catalog/datasets/1</dct:identifier>
    <dct:title xml:lang="ja">AED 設置場所</dct:title>
    <dct:title xml:lang="en">AED locations</dct:title>
    <dct:description>区内の AED の設置場所</dct:description>
    <dcat:keyword>AED</dcat:keyword>
    <dct:issued rdf:datatype="http://www.w3.org/2001/XMLSchema#dateTime">2013-04-26T00:00:00Z</dct:issued>
    <dct:modified rdf:datatype="http://www.w3.org/2001/XMLSchema#dateTime">2013-04-26T00:00:00Z</dct:modified>
    <dct:publisher><foaf:Organization><foaf:name>港区</foaf:name></foaf:Organization></dct:publisher>
    <dcat:distribution>
      <dcat:Distribution>
        <dct:title>CSV</dct:title>
        <dcat:downloadURL rdf:datatype="http://www.w3.org/2001/XMLSchema#anyURI">https://data.some.org/aed.csv</dcat:downloadURL>
        <dcat:mediaType>text/csv</dcat:mediaType>
      </dcat:Distribution>
    </dcat:distribution>
  </dcat:Dataset>
  <dcat:Dataset rdf:about="https://data.some.org/catalog/datasets/2">
    <dct:description>タイトルのないデータセット</dct:description>
  </dcat:Dataset>
</rdf:RDF>`;

const JSONLD = (base: string, page: number) =>
  JSON.stringify({
    '@context': ['https://www.w3.org/ns/dcat.jsonld', 'https://www.w3.org/ns/hydra/context.jsonld'],
    '@graph': [
      { '@id': `${base}/catalog.jsonld?page=${page}`, '@type': 'PagedCollection', ...(page === 1 ? { next: `${base}/catalog.jsonld?page=2` } : {}), totalItems: 2 },
      {
        '@id': `https://opendata.example.jp/ds/${page}`,
        '@type': 'Dataset',
        title: { ja: `人口統計 ${page}`, en: `Population ${page}` },
        description: { ja: '年齢別の人口' },
        keyword: ['人口', '統計'],
        modified: '2024-05-01T00:00:00Z',
        distribution: { '@id': `https://opendata.example.jp/ds/${page}/xlsx`, '@type': 'Distribution', downloadURL: `https://opendata.example.jp/ds/${page}.xlsx`, format: 'http://publications.europa.eu/resource/authority/file-type/XLSX' },
      },
    ],
  });

for (const dialect of DIALECTS) {
  describe(`harvesting DCAT catalogs (${dialect})`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    let server: Server;
    let base = '';
    let deps: HarvestDeps;
    let sources: HarvestSources;
    let svc: CatalogService;
    let hits = 0;
    let modifiedPage2 = false;
    let dropD4 = false;

    before(async () => {
      t = await catalogApp(dialect);
      deps = { db: t.handle.db, dialect: t.handle.dialect, clock: t.clock, dataDir: t.config.dataDir };
      sources = new HarvestSources({ db: t.handle.db, clock: t.clock });
      svc = new CatalogService(deps);
      server = createServer((req, res) => {
        hits++;
        const u = new URL(req.url ?? '/', base);
        const page = Number(u.searchParams.get('page') ?? 1);
        if (u.pathname === '/catalog.ttl') {
          let body = turtlePage(base, page);
          if (page === 2 && modifiedPage2) body = body.replace('保育園一覧 3', '保育園一覧 3（改訂）').replace('2024-02-03T09:00:00', '2024-06-03T09:00:00');
          if (page === 2 && dropD4) body = body.split('<https://data.city.example.jp/dataset/d4>')[0]!;
          res.writeHead(200, { 'content-type': 'text/turtle' }).end(body);
        } else if (u.pathname === '/catalog.rdf') res.writeHead(200, { 'content-type': 'application/rdf+xml' }).end(RDFXML);
        else if (u.pathname === '/catalog.jsonld') res.writeHead(200, { 'content-type': 'application/ld+json' }).end(JSONLD(base, page));
        else if (u.pathname === '/remote-context.jsonld') res.writeHead(200, { 'content-type': 'application/ld+json' }).end(JSON.stringify({ '@context': 'https://example.org/context.jsonld', '@id': 'x' }));
        else res.writeHead(404).end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await t.close();
    });

    const datasetsOf = async (sourceId: string) => {
      const ids = (await t.handle.db.selectFrom('catalog_dataset_extras').select('dataset_id').where('key', '=', 'harvest_source_id').where('value', '=', sourceId).execute()).map((r) => r.dataset_id);
      return (await svc.fullMany(ids)).sort((a, b) => a.row.name.localeCompare(b.row.name));
    };

    it('reads a paged Turtle catalog: Japanese first, keywords, licence, times, distributions; a re-run writes only what changed and withdraws what is gone', async () => {
      const s = await sources.create(staff, systemActor('test'), { name: 'setagaya', kind: 'dcat', url: `${base}/catalog.ttl?page=1`, organization: '131121' });
      hits = 0;
      const r1 = await runHarvest(deps, s.id, { trigger: 'cli' });
      assert.equal(r1.status, 'succeeded', JSON.stringify(r1.report));
      assert.equal(r1.added, 4);
      assert.equal(r1.expected, 4);
      assert.equal(hits, 2, 'two pages through hydra:next');
      const ds = await datasetsOf(s.id);
      assert.deepEqual(ds.map((d) => d.row.name), ['setagaya-d1', 'setagaya-d2', 'setagaya-d3', 'setagaya-d4']);
      const d1 = ds[0]!;
      assert.equal(d1.row.title, '保育園一覧 1');
      assert.equal(d1.extras.title_en, 'Nursery schools 1');
      assert.deepEqual(d1.tags.map((x) => x.name).sort(), ['保育', '子育て']);
      assert.equal(d1.row.license_id, 'cc-by-4.0');
      assert.equal(d1.row.metadata_modified, '2024-01-01T00:00:00.000Z');
      assert.equal(d1.row.author, '世田谷区');
      assert.equal(d1.row.maintainer_email, 'hoiku@city.example.jp');
      assert.equal(d1.row.owner_org, '131121');
      const formats = d1.resources.map((r) => r.format).sort();
      assert.deepEqual(formats, ['CSV', 'PDF']);
      assert.equal(d1.resources.find((r) => r.format === 'CSV')!.size, 1024);

      const r2 = await runHarvest(deps, s.id, { trigger: 'cli' });
      assert.deepEqual([r2.added, r2.updated, r2.unchanged, r2.deleted], [0, 0, 4, 0]);
      modifiedPage2 = true;
      dropD4 = true;
      const r3 = await runHarvest(deps, s.id, { trigger: 'cli' });
      assert.deepEqual([r3.added, r3.updated, r3.unchanged, r3.deleted], [0, 1, 2, 1]);
      const after = await datasetsOf(s.id);
      assert.equal(after.length, 4, 'no duplicates');
      assert.equal(after.find((d) => d.row.name === 'setagaya-d3')!.row.title, '保育園一覧 3（改訂）');
      assert.equal(after.find((d) => d.row.name === 'setagaya-d4')!.row.state, 'deleted');
    });

    it('reads RDF/XML and reports a dataset without a title', async () => {
      const s = await sources.create(staff, systemActor('test'), { name: 'minato', kind: 'dcat', url: `${base}/catalog.rdf`, organization: '131032' });
      const r = await runHarvest(deps, s.id, { trigger: 'cli' });
      assert.equal(r.added, 1);
      assert.equal(r.failed, 1);
      assert.match(r.report.errors[0]!.reason, /dct:title/);
      const [d] = await datasetsOf(s.id);
      assert.equal(d!.row.title, 'AED 設置場所');
      assert.equal(d!.resources[0]!.format, 'CSV');
      assert.equal(d!.resources[0]!.url, 'https://data.some.org/aed.csv');
    });

    it('reads paged JSON-LD with shipped contexts, and refuses a remote context without fetching it', async () => {
      const s = await sources.create(staff, systemActor('test'), { name: 'jsonld-city', kind: 'dcat', url: `${base}/catalog.jsonld?page=1`, organization: '130001', config: { format: 'jsonld' } });
      const r = await runHarvest(deps, s.id, { trigger: 'cli' });
      assert.equal(r.status, 'succeeded', JSON.stringify(r.report));
      assert.equal(r.added, 2);
      const ds = await datasetsOf(s.id);
      assert.deepEqual(ds.map((d) => d.row.title).sort(), ['人口統計 1', '人口統計 2']);
      assert.equal(ds[0]!.resources[0]!.format, 'XLSX');
      await assert.rejects(parseRdf(JSON.stringify({ '@context': 'https://example.org/context.jsonld', '@id': 'x', 'https://example.org/p': 'v' }), 'jsonld', base), /not one Kabuto ships/);
      const bad = await sources.create(staff, systemActor('test'), { name: 'remote-ctx', kind: 'dcat', url: `${base}/remote-context.jsonld`, organization: '130001' });
      const rb = await runHarvest(deps, bad.id, { trigger: 'cli' });
      assert.equal(rb.status, 'failed');
      assert.match(rb.report.pages[0]!.reason, /never fetched/);
    });
  });
}
