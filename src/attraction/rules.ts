/**
 * The pipeline's vocabulary and stage rules, free of I/O so pages, the API and tests share them.
 *
 * Stages run lead → contacted → consulting → decided → established, one step at a time; any stage
 * but established can go to dropped, and a dropped lead can be reopened to the stage it was
 * dropped from. The exit criteria of a stage are what the next stage needs.
 */

export const STAGES = ['lead', 'contacted', 'consulting', 'decided', 'established', 'dropped'] as const;
export type Stage = (typeof STAGES)[number];
/** The forward path (dropped is off it). */
export const PATH: readonly Stage[] = ['lead', 'contacted', 'consulting', 'decided', 'established'];

export const SECTOR_GROUPS = ['financial', 'fourth-industrial', 'other'] as const;
export type SectorGroup = (typeof SECTOR_GROUPS)[number];

export const SECTORS = ['asset-management', 'fintech', 'other-financial', 'iot', 'ai', 'big-data', 'other-fourth-industrial', 'other'] as const;
export type Sector = (typeof SECTORS)[number];

export const SECTOR_GROUP: Record<Sector, SectorGroup> = {
  'asset-management': 'financial',
  fintech: 'financial',
  'other-financial': 'financial',
  iot: 'fourth-industrial',
  ai: 'fourth-industrial',
  'big-data': 'fourth-industrial',
  'other-fourth-industrial': 'fourth-industrial',
  other: 'other',
};

/** The sectors of a group. */
export function sectorsOf(group: SectorGroup): Sector[] {
  return SECTORS.filter((s) => SECTOR_GROUP[s] === group);
}

/** How a lead came to the city. */
export const ORIGINS = ['event', 'referral', 'partner-bank', 'inbound'] as const;
export type Origin = (typeof ORIGINS)[number];

export const CONTACT_CHANNELS = ['email', 'phone', 'meeting', 'video-call', 'event', 'other'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/** The legal form of the Tokyo presence. */
export const ENTITY_TYPES = ['kabushiki-kaisha', 'godo-kaisha', 'branch', 'representative-office', 'other'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];
/** Forms registered at the Legal Affairs Bureau (a representative office is not). */
export const REGISTERED_ENTITY_TYPES: readonly EntityType[] = ['kabushiki-kaisha', 'godo-kaisha', 'branch'];

export const isStage = (v: unknown): v is Stage => typeof v === 'string' && (STAGES as readonly string[]).includes(v);
export const isSector = (v: unknown): v is Sector => typeof v === 'string' && (SECTORS as readonly string[]).includes(v);
export const isSectorGroup = (v: unknown): v is SectorGroup => typeof v === 'string' && (SECTOR_GROUPS as readonly string[]).includes(v);

/** The stage after this one on the path, or null at the end (or when dropped). */
export function nextStage(stage: Stage): Stage | null {
  const i = PATH.indexOf(stage);
  return i >= 0 && i < PATH.length - 1 ? PATH[i + 1]! : null;
}

/** Stages a lead in this stage may move to: the next one, dropped, or back where it was dropped from. */
export function allowedMoves(stage: Stage, droppedFrom: Stage | null): Stage[] {
  if (stage === 'dropped') return droppedFrom ? [droppedFrom] : ['lead'];
  if (stage === 'established') return [];
  const next = nextStage(stage);
  return next ? [next, 'dropped'] : ['dropped'];
}

export type MoveField = 'firstContactDate' | 'contactChannel' | 'decisionDate' | 'plannedEntityType' | 'establishedDate' | 'officeAddress' | 'entityType' | 'staffCount' | 'dropReason';

/** What entering each stage needs. These are the exit criteria of the stage before it. */
export const ENTRY_REQUIREMENTS: Record<Stage, readonly (MoveField | 'consultations')[]> = {
  lead: [],
  contacted: ['firstContactDate', 'contactChannel'],
  consulting: ['consultations'],
  decided: ['decisionDate', 'plannedEntityType'],
  established: ['establishedDate', 'officeAddress', 'entityType', 'staffCount'],
  dropped: ['dropReason'],
};

/** The exit criteria of a stage: what moving on to the next stage needs (none at the end). */
export function exitCriteria(stage: Stage): readonly (MoveField | 'consultations')[] {
  const next = nextStage(stage);
  return next ? ENTRY_REQUIREMENTS[next] : [];
}

/** The move fields a stage records (kept on the lead once reached). */
export const STAGE_FIELDS: Record<Stage, readonly MoveField[]> = {
  lead: [],
  contacted: ['firstContactDate', 'contactChannel'],
  consulting: [],
  decided: ['decisionDate', 'plannedEntityType'],
  established: ['establishedDate', 'officeAddress', 'entityType', 'staffCount'],
  dropped: ['dropReason'],
};

/** Position on the path; a dropped lead counts where it was dropped from. */
export function reached(stage: Stage, droppedFrom: Stage | null): number {
  return PATH.indexOf(stage === 'dropped' ? (droppedFrom ?? 'lead') : stage);
}

/** A YYYY-MM-DD string that is a real calendar date. */
export function isIsoDate(v: unknown): v is string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** Today's date in Japan (the calendar staff work by). */
export function tokyoDate(now: Date): string {
  return new Date(now.getTime() + 9 * 3600 * 1000).toISOString().slice(0, 10);
}

/** A Japanese date plus some days. */
export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Days ahead the dashboard counts as upcoming (today included). */
export const UPCOMING_DAYS = 14;
