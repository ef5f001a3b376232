import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { escapeText, fold, icsDateTime, toIcs } from './ical.js';

/** Unfold (RFC 5545 §3.1) and split into content lines. */
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '').split('\r\n').filter(Boolean);

describe('iCalendar', () => {
  it('escapes backslashes, semicolons, commas and line breaks in text', () => {
    assert.equal(escapeText('a\\b;c,d\ne\r\nf'), 'a\\\\b\\;c\\,d\\ne\\nf');
  });

  it('writes UTC date-times without separators', () => {
    assert.equal(icsDateTime('2019-07-01T01:00:00.000Z'), '20190701T010000Z');
  });

  it('folds lines at 75 octets without splitting a Japanese character, and unfolds to the original', () => {
    const line = `SUMMARY:${'商談会'.repeat(20)} with Example Holdings`;
    const folded = fold(line);
    for (const part of folded.split('\r\n')) assert.ok(Buffer.byteLength(part, 'utf8') <= 75, `${Buffer.byteLength(part, 'utf8')} octets: ${part}`);
    assert.ok(folded.includes('\r\n '));
    assert.equal(folded.replace(/\r\n /g, ''), line);
    assert.ok(!folded.includes('\uFFFD'));
  });

  it('writes one event per meeting with a stable UID and its sequence, CRLF throughout', () => {
    const ics = toIcs({
      name: 'Tokyo FinTech 商談会',
      stamp: '2019-06-15T03:00:00Z',
      events: [
        { uid: 'matching-meeting-7@kabuto', sequence: 2, start: '2019-07-01T01:00:00Z', end: '2019-07-01T01:30:00Z', summary: 'Meeting: Acme, Inc; table 3', location: 'Table 3', description: 'Line one\nLine two', status: 'CONFIRMED' },
        { uid: 'matching-meeting-8@kabuto', sequence: 1, start: '2019-07-01T02:00:00Z', end: '2019-07-01T02:30:00Z', summary: 'Cancelled', status: 'CANCELLED' },
      ],
    });
    assert.ok(ics.endsWith('\r\n'));
    assert.ok(!/[^\r]\n/.test(ics), 'bare LF');
    const lines = unfold(ics);
    assert.equal(lines[0], 'BEGIN:VCALENDAR');
    assert.equal(lines.at(-1), 'END:VCALENDAR');
    assert.equal(lines.filter((l) => l === 'BEGIN:VEVENT').length, 2);
    assert.ok(lines.includes('UID:matching-meeting-7@kabuto'));
    assert.ok(lines.includes('SEQUENCE:2'));
    assert.ok(lines.includes('DTSTART:20190701T010000Z'));
    assert.ok(lines.includes('SUMMARY:Meeting: Acme\\, Inc\\; table 3'));
    assert.ok(lines.includes('DESCRIPTION:Line one\\nLine two'));
    assert.ok(lines.includes('STATUS:CANCELLED'));
    assert.ok(lines.includes('X-WR-CALNAME:Tokyo FinTech 商談会'));
  });
});
