/**
 * iCalendar (RFC 5545) for fair agendas: one VEVENT per meeting. Written by hand because the format is
 * small: CRLF line ends, TEXT values escaped (backslash, semicolon, comma, newline), and content lines
 * folded at 75 octets without splitting a UTF-8 character. A meeting keeps its UID across re-schedules;
 * its SEQUENCE goes up on each change, so calendars replace the old event instead of adding a new one.
 */

export interface IcsEvent {
  uid: string;
  sequence: number;
  /** UTC instants (ISO). */
  start: string;
  end: string;
  summary: string;
  location?: string | null;
  description?: string | null;
  status: 'CONFIRMED' | 'CANCELLED' | 'TENTATIVE';
  /** When the event last changed (UTC ISO). */
  lastModified?: string | null;
}

export interface IcsCalendar {
  name: string;
  /** DTSTAMP of every event: when the file was made (UTC ISO). */
  stamp: string;
  events: IcsEvent[];
}

/** TEXT escaping (RFC 5545 §3.3.11). */
export function escapeText(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** UTC date-time form: 20190701T010000Z. */
export function icsDateTime(iso: string): string {
  return new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Fold a content line at 75 octets (§3.1); continuation lines start with one space. */
export function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8');
    // The first line holds 75 octets; continuation lines 74 after their leading space.
    const limit = out.length === 0 ? 75 : 74;
    if (octets + n > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += n;
  }
  out.push(current);
  return out.join('\r\n ');
}

export function toIcs(cal: IcsCalendar): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Kabuto//Matching fairs//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', `X-WR-CALNAME:${escapeText(cal.name)}`];
  for (const e of cal.events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${e.uid}`,
      `DTSTAMP:${icsDateTime(cal.stamp)}`,
      `DTSTART:${icsDateTime(e.start)}`,
      `DTEND:${icsDateTime(e.end)}`,
      `SEQUENCE:${e.sequence}`,
      `SUMMARY:${escapeText(e.summary)}`,
    );
    if (e.location) lines.push(`LOCATION:${escapeText(e.location)}`);
    if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
    if (e.lastModified) lines.push(`LAST-MODIFIED:${icsDateTime(e.lastModified)}`);
    lines.push(`STATUS:${e.status}`, 'TRANSP:OPAQUE', 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}
