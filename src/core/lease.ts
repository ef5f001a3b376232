import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { DbOrTrx } from './db/index.js';
import type { Clock } from './clock.js';

/**
 * Run-once work through the core `leases` table: a row (name, owner, expiry) taken in one statement,
 * free when absent or expired, renewed by its owner while the work runs. Several processes against one
 * PostgreSQL (or one SQLite file) agree on it; nothing ties it to a connection or a file (an advisory
 * lock would be tied to one pooled connection). Used by harvests, the retention purge, the mail sender's
 * periodic work and the matching jobs.
 */
export const newOwner = () => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export async function takeLease(db: DbOrTrx, clock: Clock, name: string, owner: string, ttlMs: number): Promise<boolean> {
  const now = clock.now();
  const expires = new Date(now.getTime() + ttlMs).toISOString();
  const rows = await db
    .insertInto('leases')
    .values({ name, owner, expires_at: expires })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ owner, expires_at: expires })
        .where((eb) => eb.or([eb('leases.expires_at', '<=', now.toISOString()), eb('leases.owner', '=', owner)])),
    )
    .returning('owner')
    .execute();
  return rows.length === 1 && rows[0]!.owner === owner;
}

/** Push the expiry on; false when the lease is no longer ours (it expired and someone else took it). */
export async function renewLease(db: DbOrTrx, clock: Clock, name: string, owner: string, ttlMs: number): Promise<boolean> {
  const expires = new Date(clock.now().getTime() + ttlMs).toISOString();
  const r = await db.updateTable('leases').set({ expires_at: expires }).where('name', '=', name).where('owner', '=', owner).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function releaseLease(db: DbOrTrx, name: string, owner: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', name).where('owner', '=', owner).execute();
}

/** Who holds the lease now, if anyone (pages show a running harvest). */
export async function leaseHolder(db: DbOrTrx, clock: Clock, name: string): Promise<{ owner: string; expires_at: string } | undefined> {
  return db.selectFrom('leases').select(['owner', 'expires_at']).where('name', '=', name).where('expires_at', '>', clock.now().toISOString()).executeTakeFirst();
}

/**
 * Run `work` while holding the lease: taken first (`{ held: false }` when another owner holds it),
 * renewed every third of its time while the work runs, released at the end. `lost()` turns true if
 * a renewal found the lease taken over (the work stalled past its expiry), so long work can stop.
 */
export async function withLease<T>(db: DbOrTrx, clock: Clock, name: string, ttlMs: number, work: (lease: { owner: string; lost: () => boolean }) => Promise<T>): Promise<{ held: true; value: T } | { held: false }> {
  const owner = newOwner();
  if (!(await takeLease(db, clock, name, owner, ttlMs))) return { held: false };
  let lost = false;
  const timer = setInterval(() => {
    renewLease(db, clock, name, owner, ttlMs).then(
      (ok) => {
        if (!ok) lost = true;
      },
      () => undefined,
    );
  }, Math.max(50, Math.floor(ttlMs / 3)));
  try {
    return { held: true, value: await work({ owner, lost: () => lost }) };
  } finally {
    clearInterval(timer);
    await releaseLease(db, name, owner).catch(() => undefined);
  }
}

/** The same operations as one object, for services that take the lease helpers as a dependency. */
export const leases = { take: takeLease, renew: renewLease, release: releaseLease, holder: leaseHolder };
