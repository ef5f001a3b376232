import type { AuthUser } from '../core/auth/service.js';
import { actorOf } from '../core/auth/service.js';
import type { Actor } from '../core/audit.js';
import { unauthenticated } from '../core/errors.js';
import { fail } from './errors.js';

/**
 * Who is asking. Staff (and admins) see and act on every company; a member acts for its own company
 * only (users.company_id, the registry id as text) and never sees another company's requests,
 * meetings or agenda: those answer 404, as if they did not exist.
 */
export interface Viewer {
  user: AuthUser;
  actor: Actor;
  staff: boolean;
  companyId: number | null;
}

export function viewerOf(user: AuthUser | null, requestId?: string): Viewer {
  if (!user) throw unauthenticated();
  const staff = user.role === 'staff' || user.role === 'admin';
  const n = user.role === 'member' && user.companyId && /^\d{1,9}$/.test(user.companyId) ? Number(user.companyId) : null;
  return { user, actor: actorOf(user, requestId), staff, companyId: n && n > 0 ? n : null };
}

/** The company a member acts for; staff name it. Throws when neither gives one. */
export function actingCompany(v: Viewer, given?: number | null): number {
  if (v.staff) {
    if (!given) throw fail('validation-failed', 'matching.err.invalid', [{ field: 'companyId', message: 'is required when staff act for a company', key: 'matching.err.companyRequired' }]);
    return given;
  }
  if (v.companyId === null) throw fail('forbidden', 'matching.err.noCompany');
  if (given && given !== v.companyId) throw fail('forbidden', 'matching.err.otherCompany');
  return v.companyId;
}

export function requireStaff(v: Viewer): void {
  if (!v.staff) throw fail('forbidden', 'matching.err.staffOnly');
}

/** Can the viewer see a thing that belongs to these companies? */
export function sees(v: Viewer, ...companies: number[]): boolean {
  return v.staff || (v.companyId !== null && companies.includes(v.companyId));
}
