/**
 * Synthetic companies for the registry benchmark: Japanese names built from place names, katakana
 * words and industry words with a legal form before or after (株式会社…, …株式会社, 合同会社, 有限会社),
 * their kana, English names (romanized place, English words, Co., Ltd. / Inc. / K.K. …), valid 法人番号,
 * Tokyo and other addresses. Deterministic for a seed.
 */
import { checkDigit } from '../src/companies/corporate-number.js';
import { csvField } from '../src/companies/csv.js';
import { TOKYO_MUNICIPALITIES } from '../src/companies/reference.js';
import { rng } from './util.js';

// [kanji, kana, romaji]
const PLACES: [string, string, string][] = [
  ['丸の内', 'マルノウチ', 'Marunouchi'], ['新宿', 'シンジュク', 'Shinjuku'], ['渋谷', 'シブヤ', 'Shibuya'], ['品川', 'シナガワ', 'Shinagawa'],
  ['横浜', 'ヨコハマ', 'Yokohama'], ['大阪', 'オオサカ', 'Osaka'], ['京都', 'キョウト', 'Kyoto'], ['名古屋', 'ナゴヤ', 'Nagoya'],
  ['札幌', 'サッポロ', 'Sapporo'], ['福岡', 'フクオカ', 'Fukuoka'], ['神戸', 'コウベ', 'Kobe'], ['仙台', 'センダイ', 'Sendai'],
  ['多摩', 'タマ', 'Tama'], ['八王子', 'ハチオウジ', 'Hachioji'], ['立川', 'タチカワ', 'Tachikawa'], ['青山', 'アオヤマ', 'Aoyama'],
  ['赤坂', 'アカサカ', 'Akasaka'], ['日本橋', 'ニホンバシ', 'Nihonbashi'], ['銀座', 'ギンザ', 'Ginza'], ['浅草', 'アサクサ', 'Asakusa'],
  ['上野', 'ウエノ', 'Ueno'], ['池袋', 'イケブクロ', 'Ikebukuro'], ['目黒', 'メグロ', 'Meguro'], ['世田谷', 'セタガヤ', 'Setagaya'],
  ['武蔵野', 'ムサシノ', 'Musashino'], ['富士', 'フジ', 'Fuji'], ['桜', 'サクラ', 'Sakura'], ['朝日', 'アサヒ', 'Asahi'],
  ['太陽', 'タイヨウ', 'Taiyo'], ['大和', 'ヤマト', 'Yamato'], ['日興', 'ニッコウ', 'Nikko'], ['三光', 'サンコウ', 'Sanko'],
  ['平和', 'ヘイワ', 'Heiwa'], ['東洋', 'トウヨウ', 'Toyo'], ['北斗', 'ホクト', 'Hokuto'], ['明治', 'メイジ', 'Meiji'],
  ['光', 'ヒカリ', 'Hikari'], ['若葉', 'ワカバ', 'Wakaba'], ['緑', 'ミドリ', 'Midori'], ['青葉', 'アオバ', 'Aoba'],
  ['隼', 'ハヤブサ', 'Hayabusa'], ['湾岸', 'ワンガン', 'Wangan'], ['臨海', 'リンカイ', 'Rinkai'], ['江戸', 'エド', 'Edo'],
  ['葛飾', 'カツシカ', 'Katsushika'], ['蒲田', 'カマタ', 'Kamata'], ['秋葉原', 'アキハバラ', 'Akihabara'], ['神田', 'カンダ', 'Kanda'],
];
// [katakana, English]
const WORDS: [string, string][] = [
  ['フロンティア', 'Frontier'], ['グローバル', 'Global'], ['ネクスト', 'Next'], ['サンライズ', 'Sunrise'], ['ブルースカイ', 'Blue Sky'],
  ['スマート', 'Smart'], ['ユニバーサル', 'Universal'], ['パシフィック', 'Pacific'], ['ミライ', 'Mirai'], ['アーク', 'Arc'],
  ['ノヴァ', 'Nova'], ['ステラ', 'Stella'], ['リンク', 'Link'], ['クオリティ', 'Quality'], ['イノベーション', 'Innovation'],
  ['オーシャン', 'Ocean'], ['フォレスト', 'Forest'], ['サミット', 'Summit'], ['ベイサイド', 'Bayside'], ['ハーモニー', 'Harmony'],
];
// [kanji/katakana, kana, English, JSIC major]
const INDUSTRIES: [string, string, string, string][] = [
  ['商事', 'ショウジ', 'Trading', 'I'], ['物産', 'ブッサン', 'Bussan', 'I'], ['精機', 'セイキ', 'Precision', 'E'], ['電機', 'デンキ', 'Electric', 'E'],
  ['工業', 'コウギョウ', 'Industries', 'E'], ['製作所', 'セイサクショ', 'Works', 'E'], ['化学', 'カガク', 'Chemical', 'E'], ['建設', 'ケンセツ', 'Construction', 'D'],
  ['不動産', 'フドウサン', 'Real Estate', 'K'], ['証券', 'ショウケン', 'Securities', 'J'], ['銀行', 'ギンコウ', 'Bank', 'J'], ['保険', 'ホケン', 'Insurance', 'J'],
  ['情報システム', 'ジョウホウシステム', 'Information Systems', 'G'], ['ソフトウェア', 'ソフトウェア', 'Software', 'G'], ['通信', 'ツウシン', 'Communications', 'G'],
  ['運輸', 'ウンユ', 'Transport', 'H'], ['食品', 'ショクヒン', 'Foods', 'E'], ['薬品', 'ヤクヒン', 'Pharmaceutical', 'E'], ['電子', 'デンシ', 'Electronics', 'E'],
  ['企画', 'キカク', 'Planning', 'L'], ['開発', 'カイハツ', 'Development', 'L'], ['投資', 'トウシ', 'Investment', 'J'], ['アセットマネジメント', 'アセットマネジメント', 'Asset Management', 'J'],
  ['キャピタル', 'キャピタル', 'Capital', 'J'], ['ホールディングス', 'ホールディングス', 'Holdings', 'L'], ['テクノロジーズ', 'テクノロジーズ', 'Technologies', 'G'],
  ['コンサルティング', 'コンサルティング', 'Consulting', 'L'], ['デザイン', 'デザイン', 'Design', 'L'], ['物流', 'ブツリュウ', 'Logistics', 'H'], ['エナジー', 'エナジー', 'Energy', 'F'],
];
const EN_FORMS = ['Co., Ltd.', 'Inc.', 'K.K.', 'Corporation', 'LLC', 'Co.,Ltd.'];
const PREFECTURES = ['大阪府大阪市北区梅田', '神奈川県横浜市西区みなとみらい', '愛知県名古屋市中村区名駅', '福岡県福岡市博多区博多駅前', '北海道札幌市中央区北一条西'];

export interface SyntheticCompany {
  corporateNumber: string;
  nameJa: string;
  kana: string;
  nameEn: string;
  location: string;
  postalCode: string;
  capital: number;
  employees: number;
  jsicMajor: string;
}

export function syntheticCompanies(n: number, seed = 42): SyntheticCompany[] {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const out: SyntheticCompany[] = [];
  for (let i = 0; i < n; i++) {
    const place = pick(PLACES);
    const word = r() < 0.5 ? pick(WORDS) : null;
    const ind = pick(INDUSTRIES);
    const coreJa = `${place[0]}${word ? word[0] : ''}${ind[0]}`;
    const kana = `${place[1]}${word ? word[0] : ''}${ind[1]}`;
    const f = r();
    const nameJa = f < 0.45 ? `株式会社${coreJa}` : f < 0.85 ? `${coreJa}株式会社` : f < 0.95 ? `${coreJa}合同会社` : `有限会社${coreJa}`;
    const nameEn = `${place[2]} ${word ? `${word[1]} ` : ''}${ind[2]} ${pick(EN_FORMS)}`;
    const base = String(100_000_000_000 + i).padStart(12, '0');
    const inTokyo = r() < 0.7;
    const m = pick(TOKYO_MUNICIPALITIES);
    const location = inTokyo ? `東京都${m.nameJa}${1 + Math.floor(r() * 9)}-${1 + Math.floor(r() * 20)}-${1 + Math.floor(r() * 30)}` : `${pick(PREFECTURES)}${1 + Math.floor(r() * 9)}-${1 + Math.floor(r() * 20)}`;
    out.push({
      corporateNumber: `${checkDigit(base)}${base}`,
      nameJa,
      kana,
      nameEn,
      location,
      postalCode: `${100 + Math.floor(r() * 800)}-${String(Math.floor(r() * 10000)).padStart(4, '0')}`,
      capital: Math.floor(r() * 1000) * 1_000_000,
      employees: Math.floor(r() * 5000),
      jsicMajor: ind[3],
    });
  }
  return out;
}

export function companiesCsvText(rows: SyntheticCompany[]): string {
  const header = 'corporate_number,name,kana,name_en,location,postal_code,capital_stock,employee_number,jsic_major';
  return [header, ...rows.map((c) => [c.corporateNumber, c.nameJa, c.kana, c.nameEn, c.location, c.postalCode, c.capital, c.employees, c.jsicMajor].map(csvField).join(','))].join('\n') + '\n';
}

/** Partial names people type: a place, a katakana word or an industry word, whole or in part. */
export function queries(n: number, lang: 'ja' | 'en', seed = 7): string[] {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const part = (s: string, min: number) => {
    const chars = [...s.replace(/\s+/g, '')];
    if (chars.length <= min) return chars.join('');
    const len = min + Math.floor(r() * Math.min(3, chars.length - min + 1));
    const start = Math.floor(r() * (chars.length - len + 1));
    return chars.slice(start, start + len).join('');
  };
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const kind = r();
    if (lang === 'ja') out.push(kind < 0.4 ? part(pick(PLACES)[0], 2) : kind < 0.7 ? part(pick(INDUSTRIES)[0], 2) : part(pick(WORDS)[0], 3));
    else out.push(kind < 0.4 ? part(pick(PLACES)[2], 4) : kind < 0.7 ? part(pick(INDUSTRIES)[2], 4) : part(pick(WORDS)[1], 4));
  }
  return out;
}
