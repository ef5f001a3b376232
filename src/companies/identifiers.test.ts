import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkDigit, cleanCorporateNumber, corporateNumberProblem, formatCorporateNumber, isValidCorporateNumber } from './corporate-number.js';
import { nameKey } from './names.js';
import { isValidLgCode, JSIC_DIVISIONS, JSIC_MAJORS, TOKYO_MUNICIPALITIES, tokyoMunicipalityOf } from './reference.js';
import { readCsv } from './csv.js';

describe('法人番号', () => {
  it("accepts the National Tax Agency's own number, worked by hand", () => {
    // Base 000012050002; from the right P1..P12 = 2,0,0,0,5,0,2,1,0,0,0,0.
    // Odd n (×1): 2+0+5+2+0+0 = 9; even n (×2): (0+0+0+1+0+0)×2 = 2; 11 mod 9 = 2; 9 − 2 = 7.
    assert.equal(checkDigit('000012050002'), 7);
    assert.equal(isValidCorporateNumber('7000012050002'), true);
    for (const wrong of ['1000012050002', '7000012050003', '700001205000', '70000120500021', '7000O12050002']) assert.equal(isValidCorporateNumber(wrong), false, wrong);
  });

  it('never has 0 as its check digit, so a number starting with 0 is always wrong', () => {
    fc.assert(fc.property(fc.stringMatching(/^\d{12}$/), (base) => checkDigit(base) >= 1 && checkDigit(base) <= 9));
    assert.match(corporateNumberProblem('0000012050002')!, /check digit/);
  });

  it('catches every single-digit typo except 0↔9 (which the mod-9 weights cannot see)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 9 }), (base, pos, digit) => {
        const n = `${checkDigit(base)}${base}`;
        const typo = n.slice(0, pos) + String(digit) + n.slice(pos + 1);
        const swap09 = (n[pos] === '0' && digit === 9) || (n[pos] === '9' && digit === 0);
        return typo === n || swap09 ? isValidCorporateNumber(typo) : !isValidCorporateNumber(typo);
      }),
    );
  });

  it('reads hyphens, spaces and full-width digits, and shows the check digit apart', () => {
    assert.equal(cleanCorporateNumber('７-0000-1205 0002'), '7000012050002');
    assert.equal(formatCorporateNumber('7000012050002'), '7-0000-1205-0002');
    assert.equal(corporateNumberProblem('12345'), 'must be 13 digits, got 5');
    assert.match(corporateNumberProblem('7000012050003')!, /first digit should be 6/); // the base ends in 3: 12 mod 9 = 3, 9 − 3 = 6
  });
});

describe('near-duplicate name keys', () => {
  it('folds legal forms, widths, cases and punctuation', () => {
    for (const n of ['株式会社ABC', 'ＡＢＣ（株）', 'ABC Co., Ltd.', 'ABC Co.,Ltd', '㈱ABC', 'abc inc.', 'A.B.C. K.K.', 'ABC Corporation', 'ABC Ltd', '有限会社 ABC', 'ABC合同会社']) assert.equal(nameKey(n), 'abc', n);
    assert.equal(nameKey('Incubator Inc.'), 'incubator');
    assert.notEqual(nameKey('ABC商事'), 'abc');
    assert.equal(nameKey('株式会社'), null);
  });
});

describe('reference data', () => {
  it('has the 20 JSIC major groups and all 99 divisions, each in a known group', () => {
    assert.equal(JSIC_MAJORS.length, 20);
    assert.equal(JSIC_DIVISIONS.length, 99);
    for (const d of JSIC_DIVISIONS) assert.ok(JSIC_MAJORS.some((m) => m.code === d.major) && /^\d{2}$/.test(d.code) && d.nameJa && d.nameEn, d.code);
    for (const g of ['E', 'G', 'J', 'L']) assert.ok(JSIC_DIVISIONS.filter((d) => d.major === g).length >= 4, g);
  });

  it("maps each of Tokyo's 62 municipalities from an address, and nothing outside Tokyo", () => {
    assert.equal(TOKYO_MUNICIPALITIES.length, 62);
    for (const m of TOKYO_MUNICIPALITIES) {
      assert.equal(isValidLgCode(m.lgCode), true, m.lgCode);
      assert.equal(tokyoMunicipalityOf(`東京都${m.nameJa}1-2-3`)?.lgCode, m.lgCode, m.nameJa);
    }
    assert.equal(tokyoMunicipalityOf('〒100-0005 東京都千代田区丸の内1-1-1')?.nameJa, '千代田区');
    assert.equal(tokyoMunicipalityOf('東京都東村山市本町1')?.nameJa, '東村山市', 'not 東… or 村山');
    assert.equal(tokyoMunicipalityOf('東京都西東京市南町5')?.nameJa, '西東京市');
    assert.equal(tokyoMunicipalityOf('東京都青ケ島村無番地')?.lgCode, '134023');
    assert.equal(tokyoMunicipalityOf('東京都桧原村')?.lgCode, '133078');
    assert.equal(tokyoMunicipalityOf('大阪府大阪市北区梅田1'), undefined);
    assert.equal(tokyoMunicipalityOf('京都府京都市'), undefined);
    assert.equal(tokyoMunicipalityOf('東京都'), undefined);
  });

  it('checks the local government code check digit', () => {
    assert.equal(isValidLgCode('130001'), true);
    assert.equal(isValidLgCode('131016'), true);
    assert.equal(isValidLgCode('131017'), false);
    assert.equal(isValidLgCode('13101'), false);
  });
});

describe('CSV reader', () => {
  it('reads quotes, doubled quotes, line breaks in fields, CRLF and a BOM, and counts lines', () => {
    const rows = [...readCsv('\ufeffa,b\r\n"x, y","say ""hi"""\r\n"two\nlines",z\n\nlast,')];
    assert.deepEqual(
      rows.map((r) => [r.line, r.cells]),
      [
        [1, ['a', 'b']],
        [2, ['x, y', 'say "hi"']],
        [3, ['two\nlines', 'z']],
        [6, ['last', '']],
      ],
    );
    assert.throws(() => [...readCsv('a,"open\n')], /not closed/);
  });
});
