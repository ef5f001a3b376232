/**
 * The rules of a support case: its kinds, its statuses and who may move it from one status to
 * another. docs/support.md shows the same table.
 */

export const KINDS = ['incorporation', 'financial-licence', 'residence-status', 'tax', 'office', 'living'] as const;
export type Kind = (typeof KINDS)[number];

export const STATUSES = ['open', 'in-progress', 'waiting-for-company', 'resolved', 'closed'] as const;
export type Status = (typeof STATUSES)[number];

export const isKind = (v: unknown): v is Kind => typeof v === 'string' && (KINDS as readonly string[]).includes(v);
export const isStatus = (v: unknown): v is Status => typeof v === 'string' && (STATUSES as readonly string[]).includes(v);

/**
 * Status moves staff may make. A closed case is final for the company; staff may reopen it while its
 * personal data is still kept (the retention period runs from closing).
 */
const STAFF_MOVES: Record<Status, readonly Status[]> = {
  open: ['in-progress', 'waiting-for-company', 'resolved', 'closed'],
  'in-progress': ['waiting-for-company', 'resolved', 'closed'],
  'waiting-for-company': ['in-progress', 'resolved', 'closed'],
  resolved: ['in-progress', 'closed'],
  closed: ['in-progress'],
};

/** Status moves the company's members may make: confirm a resolved case (close it) or say it is not solved. */
const MEMBER_MOVES: Record<Status, readonly Status[]> = {
  open: [],
  'in-progress': [],
  'waiting-for-company': [],
  resolved: ['closed', 'in-progress'],
  closed: [],
};

export function allowedMoves(status: Status, staff: boolean): readonly Status[] {
  return (staff ? STAFF_MOVES : MEMBER_MOVES)[status];
}

export function canMove(from: Status, to: Status, staff: boolean): boolean {
  return allowedMoves(from, staff).includes(to);
}

/**
 * The status a message moves a case to, if any: the company answering a case that waited for it (or
 * one it was told is resolved) puts it back in progress; staff answering a new case take it up.
 */
export function statusAfterMessage(status: Status, byStaff: boolean, internal: boolean): Status | null {
  if (internal) return null;
  if (!byStaff && (status === 'waiting-for-company' || status === 'resolved')) return 'in-progress';
  if (byStaff && status === 'open') return 'in-progress';
  return null;
}

/** The steps a company sees its case go through (closed is the last). */
export const PROGRESS: readonly Status[] = STATUSES;

/** Attachment formats accepted, by what the content is (file-type's name for it). */
export const ATTACHMENT_TYPES: Record<string, { format: string; mimetype: string }> = {
  pdf: { format: 'PDF', mimetype: 'application/pdf' },
  png: { format: 'PNG', mimetype: 'image/png' },
  jpg: { format: 'JPEG', mimetype: 'image/jpeg' },
  docx: { format: 'DOCX', mimetype: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  xlsx: { format: 'XLSX', mimetype: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
};

/** The personal fields of a person record: redacted from the audit log, left out of exports, purged after retention. */
export const PERSONAL_FIELDS = ['fullName', 'nationality', 'passportNumber', 'residenceCardNumber', 'dateOfBirth', 'homeAddress'] as const;
