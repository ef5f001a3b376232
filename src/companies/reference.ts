import { readFileSync } from 'node:fs';
import { readCsv } from './csv.js';

/**
 * Reference data shipped in seed/companies/ (see its README for sources): JSIC major groups and
 * divisions, Tokyo's 62 municipalities, ISO 3166-1 country codes.
 */
const seedFile = (name: string) => readFileSync(new URL(`../../seed/companies/${name}`, import.meta.url), 'utf8');

function table(name: string): Record<string, string>[] {
  const rows = [...readCsv(seedFile(name))];
  const header = rows[0]!.cells;
  return rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r.cells[i] ?? ''])));
}

export interface JsicMajor {
  code: string;
  nameJa: string;
  nameEn: string;
}
export interface JsicDivision extends JsicMajor {
  major: string;
}

export const JSIC_MAJORS: readonly JsicMajor[] = table('jsic-major-groups.csv').map((r) => ({ code: r.code!, nameJa: r.name_ja!, nameEn: r.name_en! }));
export const JSIC_DIVISIONS: readonly JsicDivision[] = table('jsic-divisions.csv').map((r) => ({ code: r.code!, major: r.major!, nameJa: r.name_ja!, nameEn: r.name_en! }));
const majorByCode = new Map(JSIC_MAJORS.map((m) => [m.code, m]));
const divisionByCode = new Map(JSIC_DIVISIONS.map((d) => [d.code, d]));
export const jsicMajor = (code: string) => majorByCode.get(code);
export const jsicDivision = (code: string) => divisionByCode.get(code);

export interface Municipality {
  lgCode: string;
  nameJa: string;
  kana: string;
  nameEn: string;
}
export const TOKYO_MUNICIPALITIES: readonly Municipality[] = table('tokyo-municipalities.csv').map((r) => ({ lgCode: r.lg_code!, nameJa: r.name_ja!, kana: r.name_kana!, nameEn: r.name_en! }));
const municipalityByCode = new Map(TOKYO_MUNICIPALITIES.map((m) => [m.lgCode, m]));
export const municipality = (lgCode: string) => municipalityByCode.get(lgCode);

/** Spellings that differ from the official list in addresses people write (ヶ/ケ, 桧/檜). */
function variants(name: string): string[] {
  const out = new Set([name]);
  out.add(name.replace(/ヶ/g, 'ケ'));
  out.add(name.replace(/ヶ/g, 'が'));
  out.add(name.replace(/檜/g, '桧'));
  return [...out];
}

// Longest names first, so 東村山市 is not read as 東… and 西東京市 wins over shorter prefixes.
const byName: [string, Municipality][] = TOKYO_MUNICIPALITIES.flatMap((m) => variants(m.nameJa).map((v) => [v, m] as [string, Municipality])).sort((a, b) => b[0].length - a[0].length);

/**
 * The Tokyo municipality of a Japanese address: 東京都 followed by a municipality name (the
 * prefecture may be left out before a ward or city name). Undefined for an address outside Tokyo.
 */
export function tokyoMunicipalityOf(address: string): Municipality | undefined {
  const a = address.normalize('NFKC').replace(/^\s*〒?\s*\d{3}-?\d{4}\s*/, '').replace(/\s+/g, '');
  if (!a.startsWith('東京都')) return undefined;
  const rest = a.slice(3);
  for (const [name, m] of byName) if (rest.startsWith(name)) return m;
  return undefined;
}

/** 全国地方公共団体コード: 6 digits, the last a check digit over the first five (weights 6…2, mod 11). */
export function isValidLgCode(code: string): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  const sum = [6, 5, 4, 3, 2].reduce((s, w, i) => s + Number(code[i]) * w, 0);
  return (11 - (sum % 11)) % 10 === Number(code[5]);
}

/** ISO 3166-1 alpha-2 codes in use (249). */
export const COUNTRIES: ReadonlySet<string> = new Set(
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'.split(' '),
);

const regionNames = { ja: new Intl.DisplayNames(['ja'], { type: 'region' }), en: new Intl.DisplayNames(['en'], { type: 'region' }) };
export const countryName = (code: string, lang: 'ja' | 'en') => regionNames[lang].of(code) ?? code;
