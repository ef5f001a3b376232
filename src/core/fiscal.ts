/** Japanese fiscal years (April to March), computed in Japan time. Japan keeps no daylight saving. */
const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

export function fiscalYearOf(date: Date): number {
  const jst = new Date(date.getTime() + JST_OFFSET_MS);
  const y = jst.getUTCFullYear();
  return jst.getUTCMonth() < 3 ? y - 1 : y;
}

/** Fiscal year of a calendar date written YYYY-MM-DD (a date in Japan). */
export function fiscalYearOfLocalDate(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) throw new RangeError(`not a date: ${iso}`);
  const y = Number(m[1]);
  return Number(m[2]) < 4 ? y - 1 : y;
}

/** First and last day (YYYY-MM-DD, Japan) of a fiscal year. */
export function fiscalYearRange(fy: number): { start: string; end: string } {
  return { start: `${fy}-04-01`, end: `${fy + 1}-03-31` };
}

/** The UTC instant at which a fiscal year begins (00:00 JST on 1 April). */
export function fiscalYearStartUtc(fy: number): Date {
  return new Date(Date.UTC(fy, 3, 1) - JST_OFFSET_MS);
}

interface Era {
  name: string;
  nameEn: string;
  start: string; // first day, YYYY-MM-DD
}
const ERAS: Era[] = [
  { name: '令和', nameEn: 'Reiwa', start: '2019-05-01' },
  { name: '平成', nameEn: 'Heisei', start: '1989-01-08' },
  { name: '昭和', nameEn: 'Showa', start: '1926-12-25' },
];

function eraOn(isoDate: string): { era: Era; year: number } {
  for (const era of ERAS) {
    if (isoDate >= era.start) return { era, year: Number(isoDate.slice(0, 4)) - Number(era.start.slice(0, 4)) + 1 };
  }
  throw new RangeError(`no era before 1926: ${isoDate}`);
}

function eraYearText(year: number): string {
  return year === 1 ? '元' : String(year);
}

/**
 * 和暦 of a fiscal year. A fiscal year that spans an era change takes the era in force for most of it,
 * as the government names it (FY2019 = 令和元年度).
 */
export function warekiFiscalYear(fy: number): string {
  const { era, year } = eraOn(`${fy}-10-01`);
  return `${era.name}${eraYearText(year)}年度`;
}

/** 和暦 of a calendar year (the era in force at its end). */
export function warekiCalendarYear(y: number): string {
  const { era, year } = eraOn(`${y}-12-31`);
  return `${era.name}${eraYearText(year)}年`;
}

/** "2017年度（平成29年度）" in Japanese, "FY2017" in English. */
export function formatFiscalYear(fy: number, lang: 'ja' | 'en'): string {
  return lang === 'ja' ? `${fy}年度（${warekiFiscalYear(fy)}）` : `FY${fy}`;
}

export function formatCalendarYear(y: number, lang: 'ja' | 'en'): string {
  return lang === 'ja' ? `${y}年（${warekiCalendarYear(y)}）` : String(y);
}
