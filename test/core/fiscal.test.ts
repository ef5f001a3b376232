import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import {
  fiscalYearOf,
  fiscalYearOfLocalDate,
  fiscalYearRange,
  fiscalYearStartUtc,
  formatCalendarYear,
  formatFiscalYear,
  warekiCalendarYear,
  warekiFiscalYear,
} from '../../src/core/fiscal.js';
import { fiscalYearOfDate, fiscalYearOfTimestamp, openDatabase, type DatabaseHandle } from '../../src/core/db/index.js';
import { DIALECTS, freshDatabase, skipFor, type TestDatabase } from '../helpers.js';

/** Instants at the April edge in Japan time (UTC+9), with their fiscal year. */
const EDGES: Array<[string, number]> = [
  ['2021-03-31T14:59:59Z', 2020], // 23:59:59 JST on 31 March
  ['2021-03-31T14:59:59.999Z', 2020],
  ['2021-03-31T15:00:00Z', 2021], // 00:00 JST on 1 April
  ['2021-03-31T15:00:00.000Z', 2021],
  ['2021-03-31T20:00:00Z', 2021], // still 31 March in UTC, already April in Tokyo
  ['2021-04-01T00:00:00Z', 2021],
  ['2020-12-31T15:00:00Z', 2020], // New Year in Tokyo does not change the fiscal year
  ['2021-01-01T00:00:00Z', 2020],
  ['2020-03-31T14:59:59Z', 2019],
  ['2020-03-31T15:00:00Z', 2020],
  ['2019-04-30T15:00:00Z', 2019], // 1 May 2019, first day of Reiwa
  ['2024-02-29T12:00:00Z', 2023], // leap day
  ['2000-03-31T15:00:00Z', 2000],
];

/** Calendar dates in Japan, with their fiscal year. */
const DATES: Array<[string, number]> = [
  ['2021-03-31', 2020],
  ['2021-04-01', 2021],
  ['2021-01-01', 2020],
  ['2020-12-31', 2020],
  ['2024-02-29', 2023],
  ['2019-05-31', 2019],
  ['2017-04-01', 2017],
  ['2018-03-31', 2017],
];

describe('fiscal years (April to March, Asia/Tokyo)', () => {
  it('puts 2021-03-31T14:59:59Z in FY2020 and 2021-03-31T15:00:00Z in FY2021', () => {
    assert.equal(fiscalYearOf(new Date('2021-03-31T14:59:59Z')), 2020);
    assert.equal(fiscalYearOf(new Date('2021-03-31T15:00:00Z')), 2021);
  });

  it('counts 2021-03-31T20:00Z as FY2021 because it is already 1 April in Tokyo', () => {
    assert.equal(fiscalYearOf(new Date('2021-03-31T20:00:00Z')), 2021);
  });

  it('gives every edge instant its fiscal year', () => {
    for (const [iso, fy] of EDGES) assert.equal(fiscalYearOf(new Date(iso)), fy, iso);
  });

  it('gives every Japanese calendar date its fiscal year', () => {
    for (const [d, fy] of DATES) assert.equal(fiscalYearOfLocalDate(d), fy, d);
    assert.throws(() => fiscalYearOfLocalDate('31/03/2021'), RangeError);
  });

  it('starts a fiscal year at 00:00 JST on 1 April and ends it on 31 March', () => {
    assert.equal(fiscalYearStartUtc(2021).toISOString(), '2021-03-31T15:00:00.000Z');
    assert.deepEqual(fiscalYearRange(2020), { start: '2020-04-01', end: '2021-03-31' });
    for (const fy of [1989, 2019, 2020, 2024]) {
      const start = fiscalYearStartUtc(fy);
      assert.equal(fiscalYearOf(start), fy);
      assert.equal(fiscalYearOf(new Date(start.getTime() - 1)), fy - 1);
    }
  });

  it('agrees with the Intl calendar in Asia/Tokyo for any instant', () => {
    const jst = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' });
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2060-01-01T00:00:00Z'), noInvalidDate: true }), (d) => {
        assert.equal(fiscalYearOf(d), fiscalYearOfLocalDate(jst.format(d)));
      }),
      { numRuns: 500 },
    );
  });

  it('names fiscal years in 和暦, taking the era in force for most of the year', () => {
    assert.equal(warekiFiscalYear(2017), '平成29年度');
    assert.equal(warekiFiscalYear(2018), '平成30年度');
    assert.equal(warekiFiscalYear(2019), '令和元年度');
    assert.equal(warekiFiscalYear(2020), '令和2年度');
    assert.equal(warekiFiscalYear(1988), '昭和63年度');
    assert.equal(warekiFiscalYear(1989), '平成元年度');
  });

  it('names calendar years in 和暦 by the era in force at their end', () => {
    assert.equal(warekiCalendarYear(2019), '令和元年');
    assert.equal(warekiCalendarYear(2018), '平成30年');
    assert.equal(warekiCalendarYear(1989), '平成元年');
  });

  it('shows 和暦 beside the year in Japanese and FY in English', () => {
    assert.equal(formatFiscalYear(2017, 'ja'), '2017年度（平成29年度）');
    assert.equal(formatFiscalYear(2017, 'en'), 'FY2017');
    assert.equal(formatCalendarYear(2019, 'ja'), '2019年（令和元年）');
    assert.equal(formatCalendarYear(2019, 'en'), '2019');
  });
});

for (const dialect of DIALECTS) {
  describe(`fiscal-year SQL helpers [${dialect}]`, { skip: skipFor(dialect) }, () => {
    let tdb: TestDatabase;
    let handle: DatabaseHandle;
    // The probe table is not part of the app's Database type.
    let db: Kysely<any>;

    before(async () => {
      tdb = await freshDatabase(dialect);
      handle = openDatabase(tdb.url);
      db = handle.db as unknown as Kysely<any>;
      await db.schema.createTable('fy_probe').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('at', 'text').addColumn('day', 'text').execute();
    });
    after(async () => {
      await handle?.close();
      await tdb?.drop();
    });

    async function probe(rows: Array<{ at?: string; day?: string }>): Promise<Array<{ id: number; fy_at: number | null; fy_day: number | null }>> {
      await db.deleteFrom('fy_probe').execute();
      await db
        .insertInto('fy_probe')
        .values(rows.map((r, i) => ({ id: i + 1, at: r.at ?? null, day: r.day ?? null })))
        .execute();
      return db
        .selectFrom('fy_probe')
        .select(['id', fiscalYearOfTimestamp(dialect, 'at').as('fy_at'), fiscalYearOfDate(dialect, 'day').as('fy_day')])
        .orderBy('id')
        .execute() as never;
    }

    it('computes the fiscal year of UTC timestamps in Japan time at the April edge', async () => {
      const got = await probe(EDGES.map(([at]) => ({ at })));
      assert.deepEqual(
        got.map((r) => r.fy_at),
        EDGES.map(([, fy]) => fy),
      );
      for (const r of got) assert.equal(typeof r.fy_at, 'number', 'both dialects hand back a number');
    });

    it('computes the fiscal year of Japanese calendar dates', async () => {
      const got = await probe(DATES.map(([day]) => ({ day })));
      assert.deepEqual(
        got.map((r) => r.fy_day),
        DATES.map(([, fy]) => fy),
      );
    });

    it('agrees with fiscalYearOf for random instants written by toISOString', async () => {
      const dates = fc.sample(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2050-12-31T23:59:59Z'), noInvalidDate: true }), { numRuns: 300, seed: 20210331 });
      const got = await probe(dates.map((d) => ({ at: d.toISOString() })));
      got.forEach((r, i) => assert.equal(r.fy_at, fiscalYearOf(dates[i]!), dates[i]!.toISOString()));
    });

    it('gives no fiscal year for a missing value', async () => {
      const [row] = await probe([{}]);
      assert.equal(row!.fy_at, null);
      assert.equal(row!.fy_day, null);
    });
  });
}
