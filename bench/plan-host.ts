/**
 * Child process of the plan benchmark: the real app on a file-backed SQLite database in a temp dir
 * (as in production, through loadConfig, logs silent, the shipped plan seeded), and beside it a bare
 * Fastify server answering the same paths with the same bytes and content-type from memory.
 */
import Fastify from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/core/config.js';
import { systemActor } from '../src/core/audit.js';
import { benchAppEnv, serveHost } from './host.js';

export const PLAN_PATHS = ['/api/v1/plan', '/plan'] as const;

export interface Captured {
  status: number;
  contentType: string;
  bytes: number;
}

export interface PlanHostInfo {
  app: string;
  bare: string;
  /** A staff API token, for the writes before cold rounds. */
  token: string;
  /** What the app answered on each path when the bodies were captured. */
  captured: Record<string, Captured>;
}

serveHost<PlanHostInfo>(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kabuto-bench-'));
  const config = loadConfig(benchAppEnv(`sqlite:${join(dir, 'kabuto.db')}`, dir, { SEED_PLAN: 'true' }));
  const app = await buildApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const appUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

  const staff = await app.kabuto.auth.createUser(systemActor('bench'), { email: 'bench-staff@example.jp', role: 'staff', password: 'bench password not for production' });
  const { token } = await app.kabuto.auth.createToken(systemActor('bench'), staff.id, 'bench', null);

  // Capture the bodies over real HTTP, then serve them from memory on a minimal Fastify.
  const bare = Fastify({ logger: false });
  const captured: Record<string, Captured> = {};
  for (const path of PLAN_PATHS) {
    const res = await fetch(appUrl + path);
    const body = Buffer.from(await res.arrayBuffer());
    const contentType = res.headers.get('content-type') ?? 'application/octet-stream';
    captured[path] = { status: res.status, contentType, bytes: body.length };
    if (res.status === 200) bare.get(path, (_req, reply) => reply.type(contentType).send(body));
  }
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;

  return {
    info: { app: appUrl, bare: bareUrl, token, captured },
    close: async () => {
      await bare.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
