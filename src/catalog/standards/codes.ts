/** Check digits of Japanese public codes, and the cell checks of the standard dataset models. */
import type { FieldCheck } from './models.js';

/**
 * 全国地方公共団体コード: 6 digits, the 6th a check digit over the first five:
 * (11 − (Σ digit × weight 6,5,4,3,2) mod 11) mod 10. 131105 Meguro, 130001 Tokyo.
 */
export function lgCodeCheckDigit(first5: string): number {
  const sum = [6, 5, 4, 3, 2].reduce((s, w, i) => s + Number(first5[i]) * w, 0);
  return (11 - (sum % 11)) % 10;
}

export function isValidLgCode(code: string): boolean {
  return /^\d{6}$/.test(code) && lgCodeCheckDigit(code.slice(0, 5)) === Number(code[5]);
}

/**
 * 法人番号: 13 digits, the first a check digit: 9 − (Σ Pn × Qn mod 9), where Pn is the n-th of the
 * other twelve digits counted from the right and Qn is 1 for odd n, 2 for even n.
 */
export function isValidCorporateNumber(n: string): boolean {
  if (!/^\d{13}$/.test(n)) return false;
  const body = n.slice(1);
  let sum = 0;
  for (let i = 1; i <= 12; i++) sum += Number(body[12 - i]) * (i % 2 === 1 ? 1 : 2);
  return 9 - (sum % 9) === Number(n[0]);
}

/** Why a cell fails its field's check (message keys `standards.reason.<code>`). */
export type CellReason = 'required' | 'number' | 'date' | 'time' | 'url' | 'phone' | 'lgCode' | 'lgCodeCheckDigit' | 'corporateNumber' | 'latitude' | 'longitude';

/** Japan's extent, remote islands included (Okinotorishima 20.4°N … Etorofu 45.6°N; Yonaguni 122.9°E … Minamitorishima 154.0°E). */
export const JAPAN = { lat: [20, 46], lon: [122, 154] } as const;

const num = (v: string): number | null => {
  const s = v.replace(/,/g, '');
  return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s) ? Number(s) : null;
};

function validDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** The reason a non-empty cell fails a check, or null when it passes. Full-width characters are folded first. */
export function cellProblem(check: FieldCheck, raw: string): CellReason | null {
  const v = raw.normalize('NFKC').trim();
  switch (check) {
    case 'text':
      return null;
    case 'number':
      return num(v) === null ? 'number' : null;
    case 'latitude': {
      const n = num(v);
      return n === null || n < JAPAN.lat[0] || n > JAPAN.lat[1] ? 'latitude' : null;
    }
    case 'longitude': {
      const n = num(v);
      return n === null || n < JAPAN.lon[0] || n > JAPAN.lon[1] ? 'longitude' : null;
    }
    case 'date': {
      const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(v) ?? /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(v);
      return m && validDate(Number(m[1]), Number(m[2]), Number(m[3])) ? null : 'date';
    }
    case 'time': {
      const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(v);
      if (!m) return 'time';
      const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
      return (h < 24 && mi < 60 && s < 60) || (h === 24 && mi === 0 && s === 0) ? null : 'time';
    }
    case 'url': {
      if (!/^https?:\/\/\S+$/i.test(v)) return 'url';
      try {
        new URL(v);
        return null;
      } catch {
        return 'url';
      }
    }
    case 'phone': {
      // 03-1234-5678, (03)1234-5678, 0120-123-456, 090-1234-5678: 10 or 11 digits starting with 0.
      if (!/^[\d()\s-]+$/.test(v)) return 'phone';
      const digits = v.replace(/\D/g, '');
      return /^0\d{9,10}$/.test(digits) ? null : 'phone';
    }
    case 'lgCode':
      if (!/^\d{6}$/.test(v)) return 'lgCode';
      return isValidLgCode(v) ? null : 'lgCodeCheckDigit';
    case 'corporateNumber':
      return isValidCorporateNumber(v) ? null : 'corporateNumber';
  }
}
