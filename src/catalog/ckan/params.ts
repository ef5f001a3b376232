/**
 * CKAN's parameter validators for action input (ckan/logic/validators.py, ckan/logic/converters.py,
 * ckan/lib/navl/validators.py): natural numbers, integers, booleans, lists given as JSON strings.
 */
import { ckanValidation } from './errors.js';
import type { DataDict } from '../validate.js';

/** natural_number_validator: absent → `def`; else an integer ≥ 0 (Validation Error otherwise). */
export function natural(d: DataDict, key: string, def: number | null): number | null {
  const v = d[key];
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return def;
  const n = int(v);
  if (n === null) throw ckanValidation({ [key]: ['Invalid integer'] });
  if (n < 0) throw ckanValidation({ [key]: ['Must be a natural number'] });
  return n;
}

/** int_validator: absent → `def`; else any integer. */
export function integer(d: DataDict, key: string, def: number): number {
  const v = d[key];
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return def;
  const n = int(v);
  if (n === null) throw ckanValidation({ [key]: ['Invalid integer'] });
  return n;
}

function int(v: unknown): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : Number.isFinite(v) && Number.isInteger(v) ? null : null;
  if (typeof v === 'string' && /^\s*[+-]?\d{1,15}\s*$/.test(v)) return Number(v);
  return null;
}

/** asbool: 'true', 'yes', 'on', 'y', 't', '1' → true; 'false', 'no', 'off', 'n', 'f', '0', '' → false; else a Validation Error. */
export function bool(d: DataDict, key: string, def: boolean): boolean {
  const v = d[key];
  if (v === undefined || v === null) return def;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['true', 'yes', 'on', 'y', 't', '1'].includes(s)) return true;
    if (['false', 'no', 'off', 'n', 'f', '0', ''].includes(s)) return false;
  }
  throw ckanValidation({ [key]: [`Parameter is not an bool`] });
}

/** An optional string parameter; a list or object is a Validation Error. */
export function str(d: DataDict, key: string): string | undefined {
  const v = d[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw ckanValidation({ [key]: ['Must be a string'] });
}

/** convert_to_json_if_string + list_of_strings (facet.field): a JSON list in a string, or a list. */
export function jsonListOfStrings(d: DataDict, key: string): string[] | undefined {
  let v = d[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch {
      throw ckanValidation({ [key]: ['Could not parse as valid JSON'] });
    }
  }
  if (!Array.isArray(v)) throw ckanValidation({ [key]: ['Not a list'] });
  for (const x of v) if (typeof x !== 'string') throw ckanValidation({ [key]: [`Not a string: ${JSON.stringify(x)?.slice(0, 100)}`] });
  return v as string[];
}

/** A list given as a list, a JSON list or one string (fq_list, organizations, groups). */
export function stringList(d: DataDict, key: string, split?: RegExp): string[] | undefined {
  const v = d[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (Array.isArray(v)) {
    if (v.some((x) => typeof x !== 'string')) throw ckanValidation({ [key]: ['Not a list of strings'] });
    return v as string[];
  }
  if (typeof v !== 'string') throw ckanValidation({ [key]: ['Not a list'] });
  if (v.trim().startsWith('[')) {
    try {
      const parsed = JSON.parse(v) as unknown;
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed as string[];
    } catch {
      // not JSON: one value
    }
  }
  return split ? v.split(split).map((s) => s.trim()).filter(Boolean) : [v];
}
