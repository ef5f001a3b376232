import type { Kysely } from 'kysely';

// Tables of the attraction domain.
export async function up(db: Kysely<any>): Promise<void> {
  void db;
}

export async function down(db: Kysely<any>): Promise<void> {
  void db;
}
