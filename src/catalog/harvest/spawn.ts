import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DomainError } from '../../core/errors.js';
import type { RunProgress, RunSummary } from './runner.js';
import type { RunTrigger } from './tables.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

export interface RunProcess {
  child: ChildProcess;
  /** The run's id once the process holds the lease; rejects with HarvestBusy's conflict when another run holds it. */
  started: Promise<number>;
  /** Resolves when the process exits, with the summary when it finished a run. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; summary?: RunSummary; error?: string }>;
}

/** Start a run of a source in a child process (the server's pages, API and scheduler use this). */
export function spawnRun(databaseUrl: string, dataDir: string, sourceRef: string, opts: { trigger: RunTrigger; full?: boolean; onProgress?: (p: RunProgress) => void }): RunProcess {
  if (databaseUrl === 'sqlite::memory:') throw new DomainError('unavailable', 'A harvest runs in its own process, which cannot reach an in-memory database');
  const child = fork(WORKER, [sourceRef, opts.trigger, opts.full ? '1' : '0'], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  let summary: RunSummary | undefined;
  let error: string | undefined;
  let onStart: (id: number) => void = () => undefined;
  let onRefuse: (e: Error) => void = () => undefined;
  const started = new Promise<number>((resolve, reject) => {
    onStart = resolve;
    onRefuse = reject;
  });
  child.on('message', (m: { type: string; runId?: number; summary?: RunSummary; message?: string } & RunProgress) => {
    if (m.type === 'start') onStart(m.runId!);
    else if (m.type === 'progress') opts.onProgress?.(m);
    else if (m.type === 'done') summary = m.summary;
    else if (m.type === 'busy') onRefuse(new DomainError('conflict', m.message ?? 'A harvest of this source is already running'));
    else if (m.type === 'error') {
      error = m.message;
      onRefuse(new DomainError('not-found', m.message));
    }
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; summary?: RunSummary; error?: string }>((resolve) => {
    child.on('exit', (code, signal) => {
      onRefuse(new Error(error ?? `the harvest process ended (${signal ?? code}) before it started a run${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`));
      resolve({ code, signal, summary, error: error ?? (code ? stderr.trim() : undefined) });
    });
  });
  // A rejection nobody awaits (the scheduler does not wait for the start) is not an unhandled one.
  started.catch(() => undefined);
  return { child, started, done };
}
