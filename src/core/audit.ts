import type { DbOrTrx } from './db/index.js';
import type { Clock } from './clock.js';

/** Who did it: a signed-in user, an API token's user, or the system (CLI, import, scheduler). */
export interface Actor {
  id: number | null;
  label: string;
  role: string | null;
  requestId?: string;
}

export const systemActor = (label = 'system'): Actor => ({ id: null, label, role: null });

/** Keys whose values are personal data: never written to the audit log as they are. */
const PERSONAL_KEYS = new Set([
  'password',
  'password_hash',
  'passwordHash',
  'token',
  'token_hash',
  'email',
  'phone',
  'address',
  'passport',
  'passport_number',
  'residence_card',
  'residence_card_number',
  'date_of_birth',
  'birth_date',
]);
const extraKeys = new Set<string>();

/** Modules name further personal fields they store (e.g. a case's passport number). */
export function registerPersonalKeys(...keys: string[]): void {
  for (const k of keys) extraKeys.add(k);
}

function maskEmail(v: string): string {
  const at = v.indexOf('@');
  return at > 0 ? `${v[0]}***@${v.slice(at + 1)}` : '[redacted]';
}

// An address typed into free text (a token named after its owner) is personal data too.
const EMAIL_IN_TEXT = /([^\s@<>"'(),;:]+)@([^\s@<>"'(),;:]+\.[^\s@<>"'(),;:]+)/g;

export function redact(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(EMAIL_IN_TEXT, (_m, local: string, domain: string) => `${local[0]}***@${domain}`);
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (PERSONAL_KEYS.has(k) || extraKeys.has(k) || k.endsWith('_email')) {
        if (v === null || v === undefined) out[k] = v;
        else if ((k === 'email' || k.endsWith('_email')) && typeof v === 'string') out[k] = maskEmail(v);
        else out[k] = '[redacted]';
      } else out[k] = redact(v);
    }
    return out;
  }
  return value;
}

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | number | null;
  before?: unknown;
  after?: unknown;
}

/** Record a write. Call it inside the transaction of the write, so both land or neither does. */
export async function audit(db: DbOrTrx, clock: Clock, actor: Actor, e: AuditEntry): Promise<void> {
  await db.insertInto('audit_log').values(auditRow(clock.now().toISOString(), actor, e)).execute();
}

function auditRow(at: string, actor: Actor, e: AuditEntry) {
  return {
    at,
    actor_id: actor.id,
    actor_label: actor.label,
    action: e.action,
    entity_type: e.entityType,
    entity_id: e.entityId === undefined || e.entityId === null ? null : String(e.entityId),
    before_json: e.before === undefined ? null : JSON.stringify(redact(e.before)),
    after_json: e.after === undefined ? null : JSON.stringify(redact(e.after)),
    request_id: actor.requestId ?? null,
  };
}

/** Many audit entries in a few statements (batched writes), each with its own actor. */
export async function auditMany(db: DbOrTrx, clock: Clock, entries: { actor: Actor; entry: AuditEntry }[]): Promise<void> {
  const at = clock.now().toISOString();
  const rows = entries.map(({ actor, entry }) => auditRow(at, actor, entry));
  for (let i = 0; i < rows.length; i += 100) await db.insertInto('audit_log').values(rows.slice(i, i + 100)).execute();
}
