import type { AuthUser } from '../core/auth/service.js';
import { DomainError } from '../core/errors.js';
import type { CompaniesService } from './service.js';
import type { Company } from './types.js';

export const STAFF = ['staff', 'admin'] as const;
export const isStaff = (u: AuthUser | null | undefined) => !!u && (u.role === 'staff' || u.role === 'admin');

/**
 * The company a signed-in user may see: staff and admins see any; a member only their own company
 * (after merges, the survivor); anyone else gets the same 404 as for a company that does not exist,
 * so ids of other companies reveal nothing.
 */
export async function visibleCompany(svc: CompaniesService, user: AuthUser | null, id: number): Promise<Company> {
  const notFound = () => new DomainError('not-found', `company ${id} not found`);
  if (!user) throw notFound();
  const company = await svc.get(id);
  if (isStaff(user)) return company;
  if (user.role === 'member' && user.companyId && /^\d+$/.test(user.companyId)) {
    const own = await svc.get(Number(user.companyId)).catch(() => null);
    if (own && own.id === company.id) return company;
  }
  throw notFound();
}
