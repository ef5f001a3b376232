/**
 * A harvest run in its own process (better-sqlite3 is synchronous: a run inside the server would
 * stall every request). Started by spawn.ts with the source and the trigger; reports to its parent
 * over IPC: {type: 'start', runId}, {type: 'progress', …}, {type: 'done', summary}.
 * Exit codes: 0 done (whatever the run's status), 1 failed to run, 3 another run holds the lease.
 */
import { openDatabase } from '../../core/db/index.js';
import { systemClock } from '../../core/clock.js';
import { HarvestBusy, runHarvest } from './runner.js';
import type { RunTrigger } from './tables.js';

const [sourceRef, trigger, full] = process.argv.slice(2);
const send = (m: unknown) => {
  if (process.send && process.connected) process.send(m);
};

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (!sourceRef || !url) {
    process.stderr.write('harvest worker: needs a source and DATABASE_URL\n');
    return 1;
  }
  const handle = openDatabase(url, { poolSize: 4 });
  try {
    const summary = await runHarvest({ db: handle.db, dialect: handle.dialect, clock: systemClock, dataDir: process.env.DATA_DIR ?? 'data' }, sourceRef, {
      trigger: (trigger as RunTrigger) ?? 'manual',
      full: full === '1',
      onStart: (runId) => send({ type: 'start', runId }),
      onProgress: (p) => send({ type: 'progress', ...p }),
    });
    send({ type: 'done', summary });
    return 0;
  } catch (err) {
    if (err instanceof HarvestBusy) {
      send({ type: 'busy', message: err.message });
      return 3;
    }
    send({ type: 'error', message: (err as Error).message });
    process.stderr.write(`harvest worker: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  } finally {
    await handle.close();
  }
}

process.exitCode = await main();
if (process.connected) process.disconnect();
