import { randomBytes } from 'node:crypto';
import type { Config } from '../../core/config.js';
import { systemClock } from '../../core/clock.js';
import { systemActor } from '../../core/audit.js';
import { AuthService } from '../../core/auth/service.js';
import type { Role } from '../../core/tables.js';
import { withDatabase } from '../db.js';
import { out, note } from '../output.js';
import { readSecretFromStdin } from '../stdin.js';

export interface UserAddOptions {
  email: string;
  role: Role;
  org?: string;
  company?: string;
  name?: string;
}

/** 24 characters from 18 random bytes (144 bits): far past guessing, still typeable once. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export async function userAddCommand(config: Config, opts: UserAddOptions): Promise<void> {
  // Read stdin before touching the database, so a bad stdin fails without side effects.
  const given = await readSecretFromStdin();
  const password = given ?? generatePassword();
  await withDatabase(config, { migrate: true }, async (h) => {
    const auth = new AuthService(h.db, systemClock, config.sessionDays);
    const user = await auth.createUser(systemActor('cli'), {
      email: opts.email,
      role: opts.role,
      password,
      displayName: opts.name,
      orgId: opts.org ?? null,
      companyId: opts.company ?? null,
    });
    const scope = user.orgId ? `, organization ${user.orgId}` : user.companyId ? `, company ${user.companyId}` : '';
    out(`created user #${user.id} ${user.email} (${user.role}${scope})`);
    if (given === null) {
      note('A password was generated. It is shown this once: store it now, then sign in and change it under /account.');
      out(`password: ${password}`);
    } else out('password: as given on stdin');
  });
}
