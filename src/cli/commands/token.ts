import type { Config } from '../../core/config.js';
import { systemClock } from '../../core/clock.js';
import { systemActor } from '../../core/audit.js';
import { AuthService } from '../../core/auth/service.js';
import { withDatabase } from '../db.js';
import { failure, usageError } from '../exit.js';
import { out, note } from '../output.js';

export interface TokenCreateOptions {
  email: string;
  name: string;
  expires?: string;
}

/** YYYY-MM-DD → the end of that day in Japan, as the admin page does. */
export function expiryOf(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !d || d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    throw usageError(`--expires: "${date}" is not a date (YYYY-MM-DD)`);
  }
  return new Date(`${date}T23:59:59+09:00`).toISOString();
}

export async function tokenCreateCommand(config: Config, opts: TokenCreateOptions): Promise<void> {
  const expiresAt = opts.expires ? expiryOf(opts.expires) : null;
  await withDatabase(config, { migrate: true }, async (h) => {
    const auth = new AuthService(h.db, systemClock, config.sessionDays);
    const row = await auth.findByEmail(opts.email);
    if (!row) throw failure(`no user with email ${opts.email.trim().toLowerCase()}`, ['create one first: kabuto user add --email … --role …']);
    if (!row.active) throw failure(`user ${row.email} is deactivated; a token for it would not work`);
    const { token } = await auth.createToken(systemActor('cli'), row.id, opts.name, expiresAt);
    // The token alone on stdout, so `TOKEN=$(kabuto token create …)` works; the rest on stderr.
    note(`API token "${opts.name}" for ${row.email} (${row.role}), ${opts.expires ? `works until the end of ${opts.expires} (Japan time)` : 'no expiry'}.`);
    note('It is shown this once and only its hash is stored. Send it as: Authorization: Bearer <token>');
    out(token);
  });
}
