/**
 * 法人番号 (corporate number): 13 digits, the first a check digit over the other twelve.
 * check = 9 − (Σ Pn × Qn mod 9), n = 1..12, Pn the n-th digit of the 12-digit base counted from the
 * right, Qn = 1 for odd n and 2 for even n.
 */
export function checkDigit(base12: string): number {
  let sum = 0;
  for (let n = 1; n <= 12; n++) {
    const p = base12.charCodeAt(12 - n) - 48;
    sum += p * (n % 2 === 1 ? 1 : 2);
  }
  return 9 - (sum % 9);
}

/** Digits only: full-width digits folded, hyphens and spaces removed ("7-0000-1205-0002" → "7000012050002"). */
export function cleanCorporateNumber(raw: string): string {
  return raw.normalize('NFKC').replace(/[\s\-‐－ー―]/g, '');
}

export function isValidCorporateNumber(n: string): boolean {
  return /^\d{13}$/.test(n) && checkDigit(n.slice(1)) === n.charCodeAt(0) - 48;
}

/** Why a corporate number is refused, or null when it is valid (expects a cleaned value). */
export function corporateNumberProblem(n: string): string | null {
  if (!/^\d+$/.test(n)) return 'must be 13 digits (hyphens and spaces are ignored)';
  if (n.length !== 13) return `must be 13 digits, got ${n.length}`;
  if (!isValidCorporateNumber(n)) return `check digit does not match: the first digit should be ${checkDigit(n.slice(1))}`;
  return null;
}

/**
 * Display form: the check digit set apart, then the base in groups of four ("7-0000-1205-0002"),
 * so the check digit is visible and the number reads in chunks. The API and CSV carry the 13 digits.
 */
export function formatCorporateNumber(n: string): string {
  return /^\d{13}$/.test(n) ? `${n[0]}-${n.slice(1, 5)}-${n.slice(5, 9)}-${n.slice(9)}` : n;
}

/** The OCDS-style identifier of a corporate number. */
export const JCN_SCHEME = 'JP-JCN';
