/**
 * A small RFC 4180 CSV reader: quoted fields with doubled quotes and line breaks, CRLF or LF, a
 * leading UTF-8 BOM dropped. Rows come with their 1-based line number, so reports can point at them.
 */
export interface CsvRow {
  /** Line on which the row starts (the header is line 1). */
  line: number;
  cells: string[];
}

export function* readCsv(text: string): Generator<CsvRow> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const cells: string[] = [];
    let cell = '';
    for (;;) {
      if (text[i] === '"') {
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) throw new Error(`line ${start}: a quoted field is not closed`);
          const chunk = text.slice(i, q);
          for (let k = 0; k < chunk.length; k++) if (chunk.charCodeAt(k) === 10) line++;
          cell += chunk;
          i = q + 1;
          if (text[i] === '"') {
            cell += '"';
            i++;
          } else break;
        }
      }
      // Unquoted part (or what follows a closing quote up to the next separator).
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 44 || c === 10 || c === 13) break;
        j++;
      }
      cell += text.slice(i, j);
      i = j;
      cells.push(cell);
      cell = '';
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      if (c === 13) i++;
      if (text.charCodeAt(i) === 10) i++;
      line++;
      break;
    }
    // A blank line is not a row.
    if (!(cells.length === 1 && cells[0] === '')) yield { line: start, cells };
  }
}

/** Quote a CSV field when it needs it. */
export function csvField(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
