import { fstatSync, readFileSync } from 'node:fs';
import { usageError } from './exit.js';

const MAX_STDIN = 4096;

/**
 * A secret given on stdin (`printf '%s\n' "$PW" | kabuto user add …`), or null when stdin is a
 * terminal or brings nothing.
 *
 * A file or /dev/null is read to its end. A pipe may belong to a parent that never writes or closes
 * it (some CI runners), so if no byte arrives within `waitMs` it counts as empty rather than hanging;
 * once data arrives, it is read to the end.
 */
export async function readSecretFromStdin(waitMs = 2000): Promise<string | null> {
  const stdin = process.stdin;
  if (stdin.isTTY) return null;
  let raw: string;
  let kind: 'file' | 'pipe';
  try {
    const st = fstatSync(0);
    kind = st.isFile() || st.isCharacterDevice() ? 'file' : 'pipe';
  } catch {
    return null; // stdin closed
  }
  if (kind === 'file') raw = readFileSync(0, 'utf8');
  else raw = await readPipe(stdin, waitMs);
  return parseSecret(raw);
}

function readPipe(stdin: NodeJS.ReadStream, waitMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err?: Error) => {
      clearTimeout(timer);
      stdin.removeAllListeners('data');
      stdin.pause();
      stdin.destroy();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(() => {
      if (size === 0) finish();
    }, waitMs);
    stdin.on('data', (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      if (size > MAX_STDIN) finish(usageError(`stdin holds more than ${MAX_STDIN} bytes; give the password alone, on one line`));
    });
    stdin.once('end', () => finish());
    stdin.once('error', (err) => finish(err));
  });
}

/** One line: a single trailing newline is dropped; an empty line counts as nothing given. */
export function parseSecret(raw: string): string | null {
  if (raw.length > MAX_STDIN) throw usageError(`stdin holds more than ${MAX_STDIN} bytes; give the password alone, on one line`);
  const value = raw.replace(/\r?\n$/, '');
  if (value === '') return null;
  if (/[\r\n]/.test(value)) throw usageError('stdin holds several lines; give the password alone, on one line');
  return value;
}
