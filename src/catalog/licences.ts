import { normalize } from '../core/search/text.js';

/** A licence the catalog offers (seeded into catalog_licences; license_list reads the table). */
export interface LicenceSeed {
  id: string;
  title_ja: string;
  title_en: string;
  url: string;
  od_conformance: 'approved' | 'not reviewed';
  osd_conformance: 'approved' | 'not reviewed';
  compatible_with: string | null;
  /** Other ways catalogs write the licence (import maps them to the id). */
  aliases: string[];
}

export const LICENCES: readonly LicenceSeed[] = [
  {
    id: 'cc-by-4.0',
    title_ja: 'クリエイティブ・コモンズ 表示 4.0 国際',
    title_en: 'Creative Commons Attribution 4.0 International (CC BY 4.0)',
    url: 'https://creativecommons.org/licenses/by/4.0/',
    od_conformance: 'approved',
    osd_conformance: 'not reviewed',
    compatible_with: null,
    // The Tokyo catalog writes its CC BY (version 4.0 under Tokyo's terms) as the first alias.
    aliases: ['クリエイティブ・コモンズ 表示（CC BY）', 'クリエイティブ・コモンズ 表示', 'CC BY', 'CC BY 4.0', 'CC-BY-4.0', 'CC-BY', 'cc-by', 'CC BY 4.0 国際'],
  },
  {
    id: 'cc-by-2.1-jp',
    title_ja: 'クリエイティブ・コモンズ 表示 2.1 日本',
    title_en: 'Creative Commons Attribution 2.1 Japan (CC BY 2.1 JP)',
    url: 'https://creativecommons.org/licenses/by/2.1/jp/',
    od_conformance: 'approved',
    osd_conformance: 'not reviewed',
    compatible_with: null,
    aliases: ['CC BY 2.1 JP', 'CC-BY-2.1-JP', 'クリエイティブ・コモンズ 表示 2.1 日本'],
  },
  {
    id: 'gov-std-2.0',
    title_ja: '政府標準利用規約（第2.0版）',
    title_en: 'Government of Japan Standard Terms of Use (Version 2.0)',
    url: 'https://www.digital.go.jp/resources/open_data',
    od_conformance: 'approved',
    osd_conformance: 'not reviewed',
    // Version 2.0 of the standard terms is compatible with CC BY 4.0.
    compatible_with: 'cc-by-4.0',
    aliases: ['政府標準利用規約 2.0', '政府標準利用規約（第2.0版）', '政府標準利用規約第2.0版', '政府標準利用規約'],
  },
  {
    id: 'pdl-1.0',
    title_ja: '公共データ利用規約（第1.0版）',
    title_en: 'Public Data License (Version 1.0)',
    url: 'https://www.digital.go.jp/resources/open_data/public_data_license_v1.0',
    od_conformance: 'approved',
    osd_conformance: 'not reviewed',
    compatible_with: 'cc-by-4.0',
    aliases: ['公共データ利用規約 第1.0版', '公共データ利用規約（第1.0版）', '公共データ利用規約', 'PDL 1.0', 'PDL1.0'],
  },
  {
    id: 'cc-zero',
    title_ja: 'CC0 1.0 全世界 パブリック・ドメイン提供',
    title_en: 'Creative Commons CC0 1.0 Universal',
    url: 'https://creativecommons.org/publicdomain/zero/1.0/',
    od_conformance: 'approved',
    osd_conformance: 'not reviewed',
    compatible_with: null,
    aliases: ['CC0', 'CC0 1.0', 'cc0', 'クリエイティブ・コモンズ CC0'],
  },
  {
    id: 'odc-by',
    title_ja: 'オープンデータ・コモンズ 帰属ライセンス',
    title_en: 'Open Data Commons Attribution License (ODC-By)',
    url: 'https://opendatacommons.org/licenses/by/',
    od_conformance: 'approved',
    osd_conformance: 'not reviewed',
    compatible_with: null,
    aliases: ['ODC-BY', 'ODC-By', 'Open Data Commons Attribution License'],
  },
  {
    id: 'other',
    title_ja: 'その他',
    title_en: 'Other',
    url: '',
    od_conformance: 'not reviewed',
    osd_conformance: 'not reviewed',
    compatible_with: null,
    aliases: ['その他', 'other'],
  },
];

const byAlias = new Map<string, string>();
for (const l of LICENCES) for (const a of [l.id, l.title_ja, l.title_en, ...l.aliases]) byAlias.set(normalize(a), l.id);

/** The licence id a catalog export's licence label stands for, or undefined. Full-width and case folded. */
export function licenceIdFor(label: string): string | undefined {
  return byAlias.get(normalize(label));
}
