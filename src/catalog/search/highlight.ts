/**
 * Highlights from the tokenizer's own normalization and offsets (not FTS5's highlight()): each query
 * chunk is looked for in the normalized units of the text, and the matching units are wrapped in
 * <mark> in the original text, which is otherwise HTML-escaped.
 */
import { normalizedUnits } from './tokens.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * The text with every occurrence of a needle (normalized query chunk) marked, cut to a window of
 * about `window` characters around the first match; null when nothing matches.
 */
export function highlight(original: string, needles: string[], window = Infinity): string | null {
  if (!original || !needles.length) return null;
  const { text, unitOf, starts, ends } = normalizedUnits(original);
  const marks: Array<[number, number]> = [];
  for (const needle of needles) {
    if (!needle) continue;
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
      marks.push([starts[unitOf[at]!]!, ends[unitOf[at + needle.length - 1]!]!]);
    }
  }
  if (!marks.length) return null;
  marks.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: Array<[number, number]> = [];
  for (const m of marks) {
    const last = merged[merged.length - 1];
    if (last && m[0] <= last[1]) last[1] = Math.max(last[1], m[1]);
    else merged.push([m[0], m[1]]);
  }
  let from = 0;
  let to = original.length;
  if (original.length > window) {
    from = Math.max(0, merged[0]![0] - Math.floor(window / 3));
    to = Math.min(original.length, from + window);
  }
  let out = from > 0 ? '…' : '';
  let pos = from;
  for (const [s, e] of merged) {
    if (e <= from || s >= to) continue;
    const ms = Math.max(s, from);
    const me = Math.min(e, to);
    out += escapeHtml(original.slice(pos, ms)) + '<mark>' + escapeHtml(original.slice(ms, me)) + '</mark>';
    pos = me;
  }
  out += escapeHtml(original.slice(pos, to)) + (to < original.length ? '…' : '');
  return out;
}
