/**
 * CKAN's query syntax (the Solr/Lucene subset clients really send), parsed by a tokenizer and a
 * recursive descent into an AST. Nothing of the user's text reaches the database as syntax: text
 * leaves become encoded tokens (tokens.ts, fts.ts), filter leaves are evaluated in JS.
 *
 *   query   := or
 *   or      := and (OR and)*
 *   and     := unary ((AND)? unary)*          adjacent clauses are ANDed (CKAN sends q.op=AND)
 *   unary   := (NOT | - | !) unary | + unary | primary
 *   primary := ( or ) | field: ( or ) | field:value | field:"phrase" | field:[a TO b] | "phrase" | word | *:*
 *
 * Lenient where Solr's edismax is lenient (a dangling AND, a lone -, `*` in text, NEAR, an unknown
 * field in q are text or nothing); strict where a guess would mislead (unbalanced quotes or
 * parentheses, local params {!…}, a bad range, an unknown field in fq): SearchQueryError.
 */
import { normalize } from '../../core/search/text.js';
import { SearchQueryError } from './errors.js';
import { chunksOf } from './tokens.js';

export type TextColumn = 'any' | 'title' | 'body';
export type DateField = 'metadata_modified' | 'metadata_created';

export type QueryNode =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'text'; column: TextColumn; chunks: string[][]; phrase: boolean }
  | { kind: 'term'; field: string; value: string; match: 'exact' | 'prefix' | 'exists' }
  | { kind: 'range'; field: DateField; from: number | null; to: number | null; fromInclusive: boolean; toInclusive: boolean }
  | { kind: 'and' | 'or'; items: QueryNode[] }
  | { kind: 'not'; item: QueryNode };

/** Fields whose value is searched as text, and the index column that holds them. */
export const TEXT_FIELDS: Record<string, TextColumn> = {
  text: 'any',
  title: 'title',
  notes: 'body',
  res_name: 'body',
  res_description: 'body',
  author: 'body',
  maintainer: 'body',
};

/** Fields filtered by exact value (CKAN's string fields). extras_<key> is one too. */
export const FILTER_FIELDS = new Set(['tags', 'groups', 'organization', 'res_format', 'license_id', 'name', 'id', 'capacity', 'state', 'site_id', 'dataset_type', 'type', 'metadata_modified', 'metadata_created']);
export const DATE_FIELDS = new Set<string>(['metadata_modified', 'metadata_created']);

export const MAX_QUERY_LENGTH = 2000;
const MAX_DEPTH = 32;
const MAX_LEAVES = 100;

type Tok =
  | { t: 'lp' }
  | { t: 'rp' }
  | { t: 'op'; v: 'AND' | 'OR' | 'NOT' }
  | { t: 'sign'; v: '+' | '-' }
  | { t: 'field'; name: string }
  | { t: 'all' }
  | { t: 'quoted'; v: string }
  | { t: 'range'; from: string; to: string; fromInclusive: boolean; toInclusive: boolean }
  | { t: 'word'; v: string; wild: boolean };

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const isSpace = (c: string | undefined) => c !== undefined && /\s/u.test(c);

/** Split a query string into tokens. Throws SearchQueryError on unbalanced quotes, bad ranges and local params. */
export function lex(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let afterField = false;
  while (i < s.length) {
    const c = s[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    const valuePosition = afterField;
    afterField = false;
    if (c === '{' && s[i + 1] === '!') throw new SearchQueryError('Local parameters ({!…}) are not supported');
    if (c === '(') {
      out.push({ t: 'lp' });
      i++;
      continue;
    }
    if (c === ')') {
      out.push({ t: 'rp' });
      i++;
      continue;
    }
    if (c === '"') {
      let v = '';
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && j + 1 < s.length) j++;
        v += s[j];
      }
      if (j >= s.length) throw new SearchQueryError('Unbalanced quotes in the query');
      out.push({ t: 'quoted', v });
      i = j + 1;
      continue;
    }
    if (valuePosition && (c === '[' || c === '{')) {
      const close = s.slice(i + 1).search(/[\]}]/);
      if (close < 0) throw new SearchQueryError('A range is not closed with ] or }');
      const end = i + 1 + close;
      const m = /^\s*(\S+)\s+TO\s+(\S+)\s*$/.exec(s.slice(i + 1, end));
      if (!m) throw new SearchQueryError('A range must read [from TO to]');
      out.push({ t: 'range', from: m[1]!, to: m[2]!, fromInclusive: c === '[', toInclusive: s[end] === ']' });
      i = end + 1;
      continue;
    }
    if ((c === '&' && s[i + 1] === '&') || (c === '|' && s[i + 1] === '|')) {
      out.push({ t: 'op', v: c === '&' ? 'AND' : 'OR' });
      i += 2;
      continue;
    }
    if (!valuePosition && (c === '+' || c === '-' || c === '!')) {
      const next = s[i + 1];
      // A lone sign (followed by a space, a closing parenthesis or nothing) is punctuation, not an operator.
      if (next !== undefined && !isSpace(next) && next !== ')') out.push(c === '!' ? { t: 'op', v: 'NOT' } : { t: 'sign', v: c });
      i++;
      continue;
    }
    if (!valuePosition && s.startsWith('*:*', i) && (i + 3 === s.length || isSpace(s[i + 3]) || s[i + 3] === ')')) {
      out.push({ t: 'all' });
      i += 3;
      continue;
    }
    // A word: up to a space, a parenthesis or a quote. Its first unescaped colon after a field name makes it a field.
    let v = '';
    let wild = false;
    let escaped = false;
    let j = i;
    let field: string | null = null;
    for (; j < s.length; j++) {
      const d = s[j]!;
      if (isSpace(d) || d === '(' || d === ')' || d === '"') break;
      if (d === '\\' && j + 1 < s.length) {
        v += s[++j];
        escaped = true;
        continue;
      }
      if (d === ':' && !valuePosition && !escaped && FIELD_NAME.test(v)) {
        field = v;
        j++;
        break;
      }
      if (d === '*' || d === '?') wild = true;
      v += d;
    }
    i = j;
    if (field !== null) {
      out.push({ t: 'field', name: field });
      afterField = true;
      continue;
    }
    if (!escaped && !valuePosition && (v === 'AND' || v === 'OR' || v === 'NOT')) out.push({ t: 'op', v });
    else out.push({ t: 'word', v, wild });
  }
  return out;
}

export interface ParseOptions {
  /** 'q' treats an unknown field as text (like edismax); 'fq' refuses it. */
  mode: 'q' | 'fq';
  /** For NOW in ranges (epoch ms). */
  now: number;
}

class Parser {
  private pos = 0;
  private depth = 0;
  private leaves = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly opts: ParseOptions,
  ) {}

  private peek(): Tok | undefined {
    return this.toks[this.pos];
  }

  parse(): QueryNode | null {
    const node = this.or(null);
    if (this.pos < this.toks.length) {
      // Only a closing parenthesis can stop the top level early.
      throw new SearchQueryError('Unbalanced parentheses in the query');
    }
    return node;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new SearchQueryError('The query is nested too deeply');
  }

  private or(field: string | null): QueryNode | null {
    const items: QueryNode[] = [];
    const first = this.and(field);
    if (first) items.push(first);
    for (;;) {
      const t = this.peek();
      if (t?.t !== 'op' || t.v !== 'OR') break;
      this.pos++;
      const next = this.and(field);
      if (next) items.push(next);
    }
    return items.length === 0 ? null : items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  private and(field: string | null): QueryNode | null {
    const items: QueryNode[] = [];
    for (;;) {
      const t = this.peek();
      if (!t || t.t === 'rp' || (t.t === 'op' && t.v === 'OR')) break;
      if (t.t === 'op' && t.v === 'AND') {
        this.pos++;
        continue;
      }
      const item = this.unary(field);
      if (item) items.push(item);
    }
    return items.length === 0 ? null : items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private unary(field: string | null): QueryNode | null {
    const t = this.peek()!;
    if ((t.t === 'op' && t.v === 'NOT') || (t.t === 'sign' && t.v === '-')) {
      this.pos++;
      if (!this.peek() || this.peek()!.t === 'rp') return null;
      this.enter();
      const inner = this.unary(field);
      this.depth--;
      return inner ? { kind: 'not', item: inner } : null;
    }
    if (t.t === 'sign') {
      this.pos++;
      if (!this.peek() || this.peek()!.t === 'rp') return null;
      return this.unary(field);
    }
    return this.primary(field);
  }

  private group(field: string | null): QueryNode | null {
    this.enter();
    const inner = this.or(field);
    if (this.peek()?.t !== 'rp') throw new SearchQueryError('Unbalanced parentheses in the query');
    this.pos++;
    this.depth--;
    return inner;
  }

  private primary(field: string | null): QueryNode | null {
    const t = this.toks[this.pos++]!;
    switch (t.t) {
      case 'lp':
        return this.group(field);
      case 'all':
        return { kind: 'all' };
      case 'field': {
        const next = this.peek();
        if (!next || next.t === 'rp' || next.t === 'op' || next.t === 'sign') {
          if (this.opts.mode === 'fq') throw new SearchQueryError(`The field ${t.name} has no value`);
          return this.text(null, t.name, false, false);
        }
        if (next.t === 'lp') {
          this.pos++;
          return this.group(t.name);
        }
        this.pos++;
        return this.leaf(t.name, next);
      }
      case 'quoted':
      case 'word':
      case 'range':
        return this.leaf(field, t);
      case 'rp':
      case 'op':
      case 'sign':
        // Operators where an operand belongs are text (a search for "AND" finds the word and).
        return t.t === 'op' ? this.text(field, t.v, false, false) : null;
    }
  }

  private leaf(field: string | null, t: Tok): QueryNode | null {
    if (++this.leaves > MAX_LEAVES) throw new SearchQueryError(`The query has more than ${MAX_LEAVES} terms`);
    if (t.t === 'field' || t.t === 'lp') return this.primary(field);
    const value = t.t === 'quoted' || t.t === 'word' ? t.v : t.t === 'op' ? t.v : t.t === 'all' ? '*' : null;
    if (field === null || field in TEXT_FIELDS) {
      if (t.t === 'range') throw new SearchQueryError('A range needs a date field (metadata_modified, metadata_created)');
      if (t.t === 'all') return { kind: 'all' };
      return this.text(field, value ?? '', t.t === 'quoted', false);
    }
    const known = FILTER_FIELDS.has(field) || field.startsWith('extras_');
    if (!known) {
      if (this.opts.mode === 'fq') throw new SearchQueryError(`Unknown field in fq: ${field}`);
      return this.text(null, `${field} ${value ?? ''}`, false, true);
    }
    if (t.t === 'range') {
      if (!DATE_FIELDS.has(field)) throw new SearchQueryError(`Ranges are supported on metadata_modified and metadata_created, not ${field}`);
      const from = parseDate(t.from, this.opts.now);
      const to = parseDate(t.to, this.opts.now);
      return { kind: 'range', field: field as DateField, from, to, fromInclusive: t.fromInclusive, toInclusive: t.toInclusive };
    }
    if (value === null) throw new SearchQueryError(`Bad value for ${field}`);
    if (DATE_FIELDS.has(field)) {
      if (value === '*') return { kind: 'range', field: field as DateField, from: null, to: null, fromInclusive: true, toInclusive: true };
      const at = parseDate(value, this.opts.now);
      return { kind: 'range', field: field as DateField, from: at, to: at, fromInclusive: true, toInclusive: true };
    }
    const wild = t.t === 'word' && t.wild;
    if (wild && value === '*') return { kind: 'term', field, value: '', match: 'exists' };
    if (wild && /^[^*?]+\*$/.test(value)) return { kind: 'term', field, value: value.slice(0, -1), match: 'prefix' };
    if (wild) throw new SearchQueryError(`Wildcards are supported only at the end of a value (${field}:${value})`);
    return { kind: 'term', field, value, match: 'exact' };
  }

  private text(field: string | null, value: string, phrase: boolean, counted: boolean): QueryNode | null {
    if (!counted && ++this.leaves > MAX_LEAVES) throw new SearchQueryError(`The query has more than ${MAX_LEAVES} terms`);
    const column = field === null ? 'any' : (TEXT_FIELDS[field] ?? 'any');
    // Solr wildcards (* ?) in text are searched as the text around them.
    const chunks = chunksOf(normalize(value.replace(/[*?]/g, ' ')));
    if (!chunks.length) return null;
    return { kind: 'text', column, chunks, phrase: phrase && chunks.length > 1 };
  }
}

const UNIT_MS: Record<string, number> = { SECOND: 1000, MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000 };

/** A Solr date: an ISO timestamp (a date alone is midnight UTC), * (open), or NOW with date math (NOW-1YEAR, NOW/DAY). */
export function parseDate(text: string, now: number): number | null {
  if (text === '*') return null;
  if (text.startsWith('NOW')) {
    const d = new Date(now);
    let rest = text.slice(3);
    while (rest) {
      const m = /^(?:([+-])(\d{1,6})|\/)(YEAR|MONTH|DAY|HOUR|MINUTE|SECOND)S?/.exec(rest);
      if (!m) throw new SearchQueryError(`Bad date math: ${text}`);
      const unit = m[3]!;
      if (m[1]) {
        const n = Number(m[2]) * (m[1] === '-' ? -1 : 1);
        if (unit === 'YEAR') d.setUTCFullYear(d.getUTCFullYear() + n);
        else if (unit === 'MONTH') d.setUTCMonth(d.getUTCMonth() + n);
        else d.setTime(d.getTime() + n * UNIT_MS[unit]!);
      } else {
        // Rounding down to the unit.
        if (unit === 'YEAR') d.setUTCMonth(0, 1);
        if (unit === 'YEAR' || unit === 'MONTH') d.setUTCDate(unit === 'MONTH' ? 1 : d.getUTCDate());
        if (unit !== 'SECOND' && unit !== 'MINUTE' && unit !== 'HOUR') d.setUTCHours(0, 0, 0, 0);
        else if (unit === 'HOUR') d.setUTCMinutes(0, 0, 0);
        else if (unit === 'MINUTE') d.setUTCSeconds(0, 0);
        else d.setUTCMilliseconds(0);
      }
      rest = rest.slice(m[0].length);
    }
    return d.getTime();
  }
  if (!/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/.test(text)) throw new SearchQueryError(`Bad date: ${text}`);
  const iso = text.length === 10 ? `${text}T00:00:00Z` : /(Z|[+-]\d{2}:\d{2})$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new SearchQueryError(`Bad date: ${text}`);
  return ms;
}

/** Parse q or one fq. Empty text (or only operators) gives null: no condition. */
export function parseQuery(text: string, opts: ParseOptions): QueryNode | null {
  if (text.length > MAX_QUERY_LENGTH) throw new SearchQueryError(`The query is longer than ${MAX_QUERY_LENGTH} characters`);
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '""' || trimmed === "''") return null;
  return new Parser(lex(text), opts).parse();
}
