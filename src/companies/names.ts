/**
 * Near-duplicate keys of company names: NFKC, case folded, legal forms removed (株式会社, ㈱, (株),
 * 有限会社, 合同会社, Co., Ltd., Inc., K.K., Corporation, Ltd …), then punctuation and spaces removed.
 * 株式会社ABC, ＡＢＣ（株） and ABC Co., Ltd. all give "abc".
 */
const JA_FORMS = /株式会社|有限会社|合同会社|合資会社|合名会社|一般社団法人|一般財団法人|公益社団法人|公益財団法人|特定非営利活動法人|\((?:株|有|同|資|名|社|財)\)/g;
// English forms, longest first; each must stand as a word (so "Incubator" keeps its "inc").
const EN_FORMS = /(?<![a-z0-9])(?:co\.?\s*,?\s*ltd\.?|company\s+limited|kabushiki\s+kaisha|k\.\s*k\.?|kk|inc\.?|incorporated|corporation|corp\.?|ltd\.?|limited|llc|l\.l\.c\.?|gmbh|plc|pte\.?|s\.a\.?)(?![a-z0-9])/g;
const PUNCT_SPACE = /[\s\p{P}\p{S}]+/gu;

export function nameKey(name: string | null | undefined): string | null {
  if (!name) return null;
  const key = name.normalize('NFKC').toLowerCase().replace(JA_FORMS, ' ').replace(EN_FORMS, ' ').replace(PUNCT_SPACE, '');
  return key.length ? key : null;
}
