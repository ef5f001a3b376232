import type { Config } from '../../core/config.js';
import { withDatabase } from '../db.js';
import { out, maskUrl } from '../output.js';
import { migrations } from '../../migrations/index.js';

export async function migrateCommand(config: Config): Promise<void> {
  await withDatabase(config, { migrate: true, onMigrated: (lines) => report(config, lines) }, async () => undefined);
}

function report(config: Config, lines: string[]): void {
  out(`database: ${maskUrl(config.databaseUrl)}`);
  if (lines.length === 0) out(`up to date: all ${Object.keys(migrations).length} migrations were already applied`);
  for (const l of lines) out(l);
}
