import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Parser, Store, type Quad } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import { DIALECTS, skipFor, type TestApp } from '../../../test/helpers.js';
import { catalogService, systemCaller } from '../index.js';
import { importCatalogCsv } from '../import.js';
import { act, catalogApp, dataset, token } from '../testing.js';
import { parseRdf, toJsonLd, type RdfFormat } from './serialize.js';
import { toRdfXml } from './rdfxml.js';
import { rdfFormatFor } from './negotiate.js';
import { parseModifiedSince } from './service.js';
import { checksumOf, cleanText, safeIri } from './graph.js';
import { frequencyCode, frequencyText, NS } from './vocab.js';
import { nextPage, readDatasets } from './reader.js';
import { createServer } from 'node:net';
import type { AuthUser } from '../../core/auth/service.js';
import { systemActor } from '../../core/audit.js';
import { HarvestSources } from '../harvest/sources.js';
import { runHarvest } from '../harvest/runner.js';
import { frequencyCode as euFrequency } from './vocab.js';

const MEGURO = fileURLToPath(new URL('../fixtures/tokyo-catalog-meguro-metadata.csv', import.meta.url));
const SHAPES = fileURLToPath(new URL('../../../seed/dcat-ap/dcat-ap-SHACL.ttl', import.meta.url));
const FORMATS: RdfFormat[] = ['ttl', 'jsonld', 'rdf'];
const DCAT = NS.dcat;
const RDF_TYPE = `${NS.rdf}type`;

const shapes = new Parser().parse(readFileSync(SHAPES, 'utf8'));

async function shacl(quads: Quad[]) {
  const v = new SHACLValidator(new Store(shapes) as never);
  const report = await v.validate(new Store(quads) as never);
  return report.results.map((r) => `${r.focusNode?.value} ${r.path?.value ?? ''}: ${r.message.map((m) => m.value).join(' ')}`);
}

/** Triples without blank nodes, as sorted N-Triples-like lines (blank node labels differ between parsers). */
function groundLines(quads: Quad[]): string[] {
  const term = (t: Quad['object']) => (t.termType === 'Literal' ? `"${t.value}"@${t.language}^^${t.datatype.value}` : `<${t.value}>`);
  return quads
    .filter((q) => q.subject.termType !== 'BlankNode' && q.object.termType !== 'BlankNode')
    .map((q) => `${term(q.subject)} ${term(q.predicate)} ${term(q.object)}`)
    .sort();
}

const subjectsOfType = (quads: Quad[], type: string) => quads.filter((q) => q.predicate.value === RDF_TYPE && q.object.value === type).map((q) => q.subject.value);

describe('DCAT helpers', () => {
  it('negotiates RDF only when a client prefers an RDF type over HTML', () => {
    assert.equal(rdfFormatFor('text/turtle'), 'ttl');
    assert.equal(rdfFormatFor('application/ld+json'), 'jsonld');
    assert.equal(rdfFormatFor('application/rdf+xml;q=0.9, text/html;q=0.8'), 'rdf');
    assert.equal(rdfFormatFor('text/turtle;q=0.5, application/ld+json;q=0.7'), 'jsonld');
    assert.equal(rdfFormatFor('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'), undefined, 'a browser gets the page');
    assert.equal(rdfFormatFor('text/html, text/turtle'), undefined, 'HTML wins a tie');
    assert.equal(rdfFormatFor('*/*'), undefined);
    assert.equal(rdfFormatFor('text/turtle;q=0'), undefined);
    assert.equal(rdfFormatFor(undefined), undefined);
  });

  it('reads modified_since as ISO dates, UTC unless a zone is given, and refuses anything else', () => {
    assert.equal(parseModifiedSince('2023-01-31'), '2023-01-31T00:00:00.000Z');
    assert.equal(parseModifiedSince('2023-01-31T09:30'), '2023-01-31T09:30:00.000Z');
    assert.equal(parseModifiedSince('2023-01-31T09:30:00+09:00'), '2023-01-31T00:30:00.000Z');
    for (const bad of ['yesterday', '2023-13-01', '2023/01/31', '']) assert.throws(() => parseModifiedSince(bad), /modified_since/);
  });

  it('maps Tokyo frequency words to EU frequencies and back', () => {
    assert.equal(frequencyCode('毎月'), 'MONTHLY');
    assert.equal(frequencyCode('１年'), 'ANNUAL', 'full-width digits fold');
    assert.equal(frequencyCode('月2回'), 'MONTHLY_2');
    assert.equal(frequencyCode('3か月'), 'QUARTERLY');
    assert.equal(frequencyCode('随時'), 'IRREG');
    assert.equal(frequencyCode('気が向いたら'), undefined);
    assert.equal(frequencyText('ANNUAL'), '1年');
  });

  it('writes checksums only for hex digests whose length names the algorithm', () => {
    assert.deepEqual(checksumOf('a'.repeat(64)), { algorithm: 'sha256', value: 'a'.repeat(64) });
    assert.deepEqual(checksumOf(`sha1:${'B'.repeat(40)}`), { algorithm: 'sha1', value: 'b'.repeat(40) });
    assert.equal(checksumOf(`sha1:${'b'.repeat(64)}`), null);
    assert.equal(checksumOf('not-a-hash'), null);
    assert.equal(checksumOf(''), null);
  });

  it('keeps IRIs and text every serialization can carry', () => {
    assert.equal(safeIri('https://example.jp/a b.csv'), 'https://example.jp/a%20b.csv');
    assert.equal(safeIri('https://example.jp/データ.csv'), 'https://example.jp/データ.csv', 'an IRI may hold non-ASCII');
    assert.equal(safeIri('example.jp/a.csv'), null);
    assert.equal(cleanText('a\u0000b\u0007c\r\nd'), 'abc\r\nd');
  });

  it('writes RDF/XML and JSON-LD that parse back to the same triples, awkward literals included', async () => {
    const { namedNode, literal, blankNode, quad } = (await import('n3')).DataFactory;
    const s = namedNode('https://example.jp/x?a=1&b=2');
    const b = blankNode('z');
    const quads = [
      quad(s, namedNode(`${NS.dct}title`), literal('行1\r\n行2 & <tag> "引用" ]]>', 'ja')),
      quad(s, namedNode(`${NS.dct}description`), literal('  leading and trailing  ')),
      quad(s, namedNode(`${NS.dcat}byteSize`), literal('12', namedNode(`${NS.xsd}nonNegativeInteger`))),
      quad(s, namedNode('https://other.example/vocab#prop'), b),
      quad(b, namedNode(RDF_TYPE), namedNode(`${NS.foaf}Agent`)),
      quad(b, namedNode(`${NS.foaf}name`), literal('@not-a-keyword')),
    ];
    for (const [name, text, format] of [
      ['RDF/XML', toRdfXml(quads, { dct: NS.dct, dcat: NS.dcat, foaf: NS.foaf, xsd: NS.xsd }), 'rdf'],
      ['JSON-LD', toJsonLd(quads), 'jsonld'],
    ] as const) {
      const back = await parseRdf(text, format);
      assert.equal(back.length, quads.length, name);
      assert.deepEqual(groundLines(back), groundLines(quads), name);
      const title = back.find((q) => q.predicate.value === `${NS.dct}title`)!;
      assert.equal(title.object.value, '行1\r\n行2 & <tag> "引用" ]]>', `${name} keeps CR, markup characters and quotes`);
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`DCAT-AP output of the Meguro catalog [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let t: TestApp;
    const bodies = {} as Record<RdfFormat, string>;
    before(async () => {
      t = await catalogApp(dialect);
      const report = await importCatalogCsv(catalogService(t.app.kabuto), systemCaller('test'), MEGURO);
      assert.deepEqual(report.problems, []);
      for (const f of FORMATS) {
        const res = await t.app.inject({ url: `/catalog.${f}` });
        assert.equal(res.statusCode, 200, res.body.slice(0, 300));
        bodies[f] = res.body;
      }
    });
    after(async () => t?.close());

    it('validates against the DCAT-AP 3.0.1 SHACL shapes with zero violations', async () => {
      const quads = await parseRdf(bodies.ttl, 'ttl');
      assert.equal(subjectsOfType(quads, `${DCAT}Dataset`).length, 47);
      assert.equal(subjectsOfType(quads, `${DCAT}Distribution`).length, 215);
      assert.deepEqual(await shacl(quads), []);
    });

    it('fails the shapes when a required property is missing (the validation can fail)', async () => {
      const quads = (await parseRdf(bodies.ttl, 'ttl')).filter((q) => q.predicate.value !== `${DCAT}accessURL` && q.predicate.value !== `${NS.dct}publisher`);
      const problems = await shacl(quads);
      assert.equal(problems.filter((p) => p.includes(`${DCAT}accessURL`)).length, 215, 'one per distribution');
      assert.equal(problems.filter((p) => p.startsWith('http://kabuto.test/catalog#catalog') && p.includes(`${NS.dct}publisher`)).length, 1, 'the catalog has no publisher');
    });

    it('round-trips: a fresh Kabuto reading this DCAT shows every dataset as package_show shows it here', async () => {
      const b = await catalogApp(dialect);
      try {
        const svcB = catalogService(b.app.kabuto);
        const [orgs, licences, groups] = await Promise.all([svcB.orgs(), svcB.licences(), svcB.groups()]);
        const lookups = {
          org: (code: string | null, name: string | null) => orgs.find((o) => (code ? o.lg_code === code : o.title_ja === name))?.id,
          licence: (u: string) => licences.find((l) => l.url === u)?.id,
          group: (n: string) => groups.find((g) => g.name === n)?.id,
        };
        const ids: string[] = [];
        let url: string | undefined = '/catalog.ttl?items_per_page=20';
        while (url) {
          const quads = await parseRdf((await t.app.inject({ url: url.replace('http://kabuto.test', '') })).body, 'ttl');
          for (const d of readDatasets(quads, lookups)) {
            await svcB.createPackage(systemCaller('harvest'), d.dict, { times: d.times });
            ids.push(d.dict.id as string);
          }
          url = nextPage(quads);
        }
        assert.equal(ids.length, (await act(t.app, 'package_list', {})).body.result.length);
        const differences = new Map<string, number>();
        let withoutMimetype = 0;
        let withTags = 0;
        for (const id of ids) {
          const a = (await act(t.app, 'package_show', { id })).body.result;
          const got = (await act(b.app, 'package_show', { id })).body.result;
          for (const field of diffFields(a, got)) differences.set(field, (differences.get(field) ?? 0) + 1);
          if (a.resources.some((r: { mimetype: string | null }) => !r.mimetype)) withoutMimetype++;
          if (a.tags.length) withTags++;
        }
        // Datasets per differing field. Each is listed and justified in docs/catalog-dcat.md ("Round trip"):
        // the media type the output derives from the format, and tag ids, which are each catalog's own.
        assert.ok(withoutMimetype > 0 && withTags > 0);
        assert.deepEqual(Object.fromEntries(differences), { 'resources[].mimetype': withoutMimetype, 'tags[].id': withTags });
      } finally {
        await b.close();
      }
    });
    it("round-trips through the catalog's own DCAT harvester over HTTP, every difference accounted for", async () => {
      // A second copy of the catalog listens on a loopback port, so its hydra links point where it can be reached.
      const port: number = await new Promise((resolve) => {
        const probe = createServer();
        probe.listen(0, '127.0.0.1', () => {
          const p = (probe.address() as { port: number }).port;
          probe.close(() => resolve(p));
        });
      });
      const base = `http://127.0.0.1:${port}`;
      const a = await catalogApp(dialect, { config: { publicUrl: base } });
      const b = await catalogApp(dialect);
      try {
        await importCatalogCsv(catalogService(a.app.kabuto), systemCaller('test'), MEGURO);
        await a.app.listen({ host: '127.0.0.1', port });
        const staff = { id: 1, email: 'staff@example.jp', role: 'staff', displayName: 'staff', orgId: null, companyId: null } as unknown as AuthUser;
        const source = await new HarvestSources({ db: b.handle.db, clock: b.clock }).create(staff, systemActor('test'), {
          name: 'kabuto-a',
          title: 'Kabuto A',
          kind: 'dcat',
          url: `${base}/catalog.ttl?items_per_page=20`,
          organization: '131105',
          config: { retries: 0, timeoutSeconds: 20 },
        });
        const run = await runHarvest({ db: b.handle.db, dialect: b.handle.dialect, clock: b.clock, dataDir: b.config.dataDir }, source.id, { trigger: 'cli' });
        assert.deepEqual([run.status, run.added, run.failed, run.report.pages], ['succeeded', 47, 0, []]);
        const links = await b.handle.db.selectFrom('catalog_dataset_extras').select(['dataset_id', 'value']).where('key', '=', 'harvest_remote_id').execute();
        assert.equal(links.length, 47);
        const differences = new Map<string, number>();
        for (const link of links) {
          const pa = (await act(a.app, 'package_show', { id: link.value.split('/').pop()! })).body.result;
          const pb = (await act(b.app, 'package_show', { id: link.dataset_id })).body.result;
          for (const field of diffFields(pa, pb)) differences.set(field, (differences.get(field) ?? 0) + 1);
          // The frequency comes back as its EU code, the publisher as the author.
          const freqA = pa.extras.find((e: { key: string }) => e.key === 'frequency')?.value;
          const freqB = pb.extras.find((e: { key: string }) => e.key === 'frequency')?.value;
          assert.equal(freqB, euFrequency(freqA), pa.name);
          assert.equal(pb.author, '目黒区');
          assert.deepEqual(pb.resources.map((r: { url: string }) => r.url), pa.resources.map((r: { url: string }) => r.url), 'resources in order');
        }
        // Datasets per differing field, each justified in docs/catalog-dcat.md ("Round trip"): a harvested copy is a
        // new record (its own id, name, resource ids and tag ids) that names its source in extras.
        assert.deepEqual(Object.fromEntries(differences), {
          id: 47,
          name: 47,
          author: 47,
          'extras.length': 47,
          'resources[].id': 47,
          'resources[].package_id': 47,
          'resources[].mimetype': 47,
          'tags[].id': 5,
        });
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('serializes the same triples as Turtle, JSON-LD and RDF/XML, each with its media type', async () => {
      const parsed = await Promise.all(FORMATS.map((f) => parseRdf(bodies[f], f)));
      const [ttl, jsonld, rdf] = parsed as [Quad[], Quad[], Quad[]];
      assert.ok(ttl.length > 3000, `${ttl.length} triples`);
      assert.equal(jsonld.length, ttl.length, 'JSON-LD');
      assert.equal(rdf.length, ttl.length, 'RDF/XML');
      // The paging node names each format's own URL; everything else is the same graph.
      const graph = (qs: Quad[]) => groundLines(qs.filter((q) => !q.subject.value.startsWith('http://kabuto.test/catalog.')));
      const lines = graph(ttl);
      assert.deepEqual(firstDifferences(graph(jsonld), lines), [], 'JSON-LD');
      assert.deepEqual(firstDifferences(graph(rdf), lines), [], 'RDF/XML');
      for (const f of FORMATS) {
        const res = await t.app.inject({ url: `/catalog.${f}` });
        assert.match(String(res.headers['content-type']), { ttl: /^text\/turtle/, jsonld: /^application\/ld\+json/, rdf: /^application\/rdf\+xml/ }[f]);
      }
    });

    it('maps a dataset: identifiers, Japanese text, EU and Tokyo themes, publisher with its code, frequency, licence, distributions', async () => {
      const res = await t.app.inject({ url: '/dataset/t131105d0000000003.ttl' });
      assert.equal(res.statusCode, 200);
      const store = new Store(await parseRdf(res.body, 'ttl'));
      const p = (await act(t.app, 'package_show', { id: 't131105d0000000003' })).body.result;
      const ds = `http://kabuto.test/dataset/${p.id}`;
      const obj = (s: string, pred: string) => store.getObjects(s, pred, null);
      assert.deepEqual(obj(ds, `${NS.dct}identifier`).map((o) => o.value), [p.id]);
      const title = obj(ds, `${NS.dct}title`)[0] as unknown as { value: string; language: string };
      assert.deepEqual([title.value, title.language], ['区内保育施設の空き状況（例月）', 'ja']);
      const themes = obj(ds, `${DCAT}theme`).map((o) => o.value).sort();
      assert.deepEqual(themes, ['http://kabuto.test/group/health-welfare', 'http://publications.europa.eu/resource/authority/data-theme/HEAL', 'http://publications.europa.eu/resource/authority/data-theme/SOCI']);
      const [publisher] = obj(ds, `${NS.dct}publisher`);
      assert.equal(publisher!.value, 'http://kabuto.test/organization/131105');
      assert.deepEqual(obj(publisher!.value, `${NS.dct}identifier`).map((o) => o.value), ['131105']);
      assert.ok(obj(publisher!.value, `${NS.foaf}name`).some((o) => o.value === '目黒区'));
      assert.deepEqual(obj(ds, `${NS.dct}accrualPeriodicity`).map((o) => o.value), ['http://publications.europa.eu/resource/authority/frequency/MONTHLY_2']);
      assert.deepEqual(obj(ds, `${NS.dct}spatial`).map((o) => o.value), ['http://kabuto.test/organization/131105#area']);
      const issued = obj(ds, `${NS.dct}issued`)[0] as unknown as { value: string; datatype: { value: string } };
      assert.deepEqual([issued.value, issued.datatype.value], ['2021-11-04T00:59:26.000Z', `${NS.xsd}dateTime`]);
      const contact = obj(ds, `${DCAT}contactPoint`)[0]!;
      assert.deepEqual(store.getObjects(contact, `${NS.vcard}fn`, null).map((o) => o.value), ['子育て支援部保育課']);
      const dists = obj(ds, `${DCAT}distribution`);
      assert.equal(dists.length, 2);
      const d0 = `http://kabuto.test/dataset/${p.id}/resource/${p.resources[0].id}`;
      assert.deepEqual(obj(d0, `${DCAT}downloadURL`).map((o) => o.value), [p.resources[0].url]);
      assert.deepEqual(obj(d0, `${NS.dct}format`).map((o) => o.value), ['http://publications.europa.eu/resource/authority/file-type/CSV']);
      assert.deepEqual(obj(d0, `${DCAT}mediaType`).map((o) => o.value), ['https://www.iana.org/assignments/media-types/text/csv']);
      assert.deepEqual(obj(d0, `${NS.dct}license`).map((o) => o.value), ['https://creativecommons.org/licenses/by/4.0/']);
      const size = obj(d0, `${DCAT}byteSize`)[0] as unknown as { value: string; datatype: { value: string } };
      assert.deepEqual([size.value, size.datatype.value], [String(12 * 1024), `${NS.xsd}nonNegativeInteger`]);
    });

    it('pages the catalog with hydra links and filters it by modified_since', async () => {
      const seen = new Set<string>();
      let url: string | undefined = '/catalog.ttl?items_per_page=20';
      const sizes: number[] = [];
      for (let i = 0; url && i < 10; i++) {
        const res: { statusCode: number; body: string } = await t.app.inject({ url: url.replace('http://kabuto.test', '') });
        assert.equal(res.statusCode, 200);
        const quads = await parseRdf(res.body, 'ttl');
        const ids = subjectsOfType(quads, `${DCAT}Dataset`);
        sizes.push(ids.length);
        for (const id of ids) seen.add(id);
        const total = quads.find((q) => q.predicate.value === `${NS.hydra}totalItems`);
        assert.equal(total?.object.value, '47');
        const first = quads.find((q) => q.predicate.value === `${NS.hydra}first`);
        const last = quads.find((q) => q.predicate.value === `${NS.hydra}last`);
        assert.equal(first?.object.value, 'http://kabuto.test/catalog.ttl?items_per_page=20&page=1');
        assert.equal(last?.object.value, 'http://kabuto.test/catalog.ttl?items_per_page=20&page=3');
        const prev = quads.find((q) => q.predicate.value === `${NS.hydra}previous`);
        assert.equal(!!prev, i > 0, 'previous on every page but the first');
        url = nextPage(quads);
      }
      assert.deepEqual(sizes, [20, 20, 7]);
      assert.equal(seen.size, 47, 'every dataset once');

      // modified_since: the expected set comes from package_show of every dataset.
      const names = (await act(t.app, 'package_list', {})).body.result as string[];
      const modified = await Promise.all(names.map(async (n) => (await act(t.app, 'package_show', { id: n })).body.result.metadata_modified as string));
      const since = '2023-04-01';
      const expected = modified.filter((m) => `${m}Z` >= `${since}T00:00:00.000000Z`).length;
      assert.ok(expected > 0 && expected < 47, `${expected} datasets modified since ${since}`);
      const res = await t.app.inject({ url: `/catalog.jsonld?modified_since=${since}` });
      const quads = await parseRdf(res.body, 'jsonld');
      assert.equal(subjectsOfType(quads, `${DCAT}Dataset`).length, expected);
      assert.equal(quads.find((q) => q.predicate.value === `${NS.hydra}totalItems`)?.object.value, String(expected));

      // A change moves a dataset into the window of a later modified_since.
      t.clock.set(new Date('2030-01-02T03:00:00Z'));
      const tok = await token(t.app, 'admin');
      assert.equal((await act(t.app, 'package_patch', { id: 't131105d0000000001', notes: '更新しました' }, { token: tok })).status, 200);
      const later = await parseRdf((await t.app.inject({ url: '/catalog.rdf?modified_since=2030-01-01T00:00:00Z' })).body, 'rdf');
      const p = (await act(t.app, 'package_show', { id: 't131105d0000000001' })).body.result;
      assert.deepEqual(subjectsOfType(later, `${DCAT}Dataset`), [`http://kabuto.test/dataset/${p.id}`]);

      assert.equal((await t.app.inject({ url: '/catalog.ttl?page=0' })).statusCode, 400);
      assert.equal((await t.app.inject({ url: '/catalog.ttl?modified_since=last-week', headers: { accept: 'application/json' } })).statusCode, 400);
      const beyond = await parseRdf((await t.app.inject({ url: '/catalog.ttl?page=99' })).body, 'ttl');
      assert.equal(subjectsOfType(beyond, `${DCAT}Dataset`).length, 0);
    });

    it('answers /dataset/:name with RDF for RDF clients and with the page for browsers', async () => {
      const p = (await act(t.app, 'package_show', { id: 't131105d0000000004' })).body.result;
      for (const [accept, type, format] of [
        ['text/turtle', /^text\/turtle/, 'ttl'],
        ['application/ld+json', /^application\/ld\+json/, 'jsonld'],
        ['application/rdf+xml', /^application\/rdf\+xml/, 'rdf'],
      ] as const) {
        for (const ref of [p.name, p.id]) {
          const res = await t.app.inject({ url: `/dataset/${ref}`, headers: { accept } });
          assert.equal(res.statusCode, 200, `${accept} ${ref}`);
          assert.match(String(res.headers['content-type']), type);
          assert.equal(res.headers.vary, 'Accept');
          const quads = await parseRdf(res.body, format);
          assert.deepEqual(subjectsOfType(quads, `${DCAT}Dataset`), [`http://kabuto.test/dataset/${p.id}`]);
        }
      }
      const html = await t.app.inject({ url: `/dataset/${p.name}`, headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
      assert.equal(html.statusCode, 200);
      assert.match(String(html.headers['content-type']), /^text\/html/);
      assert.match(html.body, /<h1>/);
      assert.equal((await t.app.inject({ url: `/dataset/${p.name}` })).statusCode, 200, 'no Accept header: the page');
      assert.equal((await t.app.inject({ url: `/dataset/${p.name}/edit`, headers: { accept: 'text/turtle' } })).statusCode, 401, 'other dataset routes are not negotiated');
      assert.equal((await t.app.inject({ url: '/dataset/no-such-dataset', headers: { accept: 'text/turtle' } })).statusCode, 404);
    });

    it('shows private datasets to nobody in the catalog, and as RDF only to their editors', async () => {
      const tok = await token(t.app, 'admin');
      const made = await act(t.app, 'package_create', dataset('secret-data', 'tokyo', { private: true }), { token: tok });
      assert.equal(made.status, 200);
      const quads = await parseRdf((await t.app.inject({ url: '/catalog.ttl?items_per_page=1000' })).body, 'ttl');
      assert.ok(!subjectsOfType(quads, `${DCAT}Dataset`).includes(`http://kabuto.test/dataset/${made.body.result.id}`));
      assert.equal((await t.app.inject({ url: '/dataset/secret-data.ttl' })).statusCode, 404);
      assert.equal((await t.app.inject({ url: '/dataset/secret-data', headers: { accept: 'text/turtle' } })).statusCode, 404);
      const own = await t.app.inject({ url: '/dataset/secret-data.ttl', headers: { authorization: `Bearer ${tok}` } });
      assert.equal(own.statusCode, 200);
      assert.equal(own.headers['cache-control'], 'private, no-store');
    });

  });
}

/** The first few lines in one sorted list but not the other (a readable failure instead of two 3,000-line arrays). */
function firstDifferences(got: string[], want: string[]): string[] {
  const g = new Set(got);
  const w = new Set(want);
  return [...got.filter((x) => !w.has(x)).map((x) => `+ ${x}`), ...want.filter((x) => !g.has(x)).map((x) => `- ${x}`)].slice(0, 10);
}

/** Paths of the fields that differ between two package dicts (arrays compared item by item). */
function diffFields(a: unknown, b: unknown, path = ''): string[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path}.length`];
    return [...new Set(a.flatMap((x, i) => diffFields(x, b[i], `${path}[]`)))];
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => diffFields((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}
