import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Servers under load run in a child process, so autocannon (in this process) and the server never
 * share one event loop, as in production where clients are elsewhere.
 *
 * The child entry calls `serveHost(setup)`; the parent calls `startHost(entry)` and gets what setup
 * reported (ports, tokens…). Closing the host asks the child to shut its servers down and exit.
 */
export interface Host<T> {
  info: T;
  close(): Promise<void>;
}

type Message<T> = { type: 'ready'; info: T } | { type: 'failed'; error: string };

export async function startHost<T>(entry: URL, env: Record<string, string> = {}): Promise<Host<T>> {
  const child: ChildProcess = fork(fileURLToPath(entry), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const info = await new Promise<T>((resolve, reject) => {
    child.once('message', (m: Message<T>) => (m.type === 'ready' ? resolve(m.info) : reject(new Error(`benchmark host ${entry.pathname} failed: ${m.error}`))));
    void exited.then((code) => reject(new Error(`benchmark host ${entry.pathname} exited with code ${code} before it was ready`)));
  });
  return {
    info,
    close: async () => {
      if (child.exitCode === null && child.connected) child.send({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** In the child: run setup, report its info to the parent, and tear down when asked (or when the parent goes away). */
export function serveHost<T>(setup: () => Promise<{ info: T; close(): Promise<void> }>): void {
  if (!process.send) throw new Error('serveHost runs in a child started by startHost');
  let close: (() => Promise<void>) | undefined;
  let closing = false;
  const shutdown = async (code: number) => {
    if (closing) return;
    closing = true;
    try {
      await close?.();
    } finally {
      process.exit(code);
    }
  };
  process.on('message', (m: { type?: string }) => {
    if (m?.type === 'close') void shutdown(0);
  });
  process.on('disconnect', () => void shutdown(0));
  setup().then(
    (h) => {
      close = h.close;
      process.send!({ type: 'ready', info: h.info });
    },
    (err: unknown) => {
      process.send!({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () => process.exit(1));
    },
  );
}

/**
 * The environment a host hands to loadConfig for the app under load: its database and data dir,
 * logs silent, on 127.0.0.1 at a free port, no plan seeded, cookies over plain HTTP. `extra` adds
 * or overrides variables.
 */
export function benchAppEnv(databaseUrl: string, dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    SEED_PLAN: 'false',
    COOKIE_SECURE: 'false',
    ...extra,
  };
}
