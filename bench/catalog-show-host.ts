/**
 * Child process of the package_show benchmark: the real app on a file-backed SQLite database in a
 * temp dir (through loadConfig, logs silent) with the Meguro export imported, and beside it a bare
 * Fastify server answering the same path with the same bytes and content-type from memory.
 */
import Fastify from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/core/config.js';
import { systemActor } from '../src/core/audit.js';
import { catalogService, systemCaller } from '../src/catalog/index.js';
import { seedReferenceData } from '../src/catalog/seed.js';
import { importCatalogCsv } from '../src/catalog/import.js';
import { benchAppEnv, serveHost } from './host.js';

/** A dataset with two resources, a category, a licence and multi-line text. */
export const SHOW_PATH = '/api/3/action/package_show?id=t131105d0000000003';
const MEGURO = fileURLToPath(new URL('../src/catalog/fixtures/tokyo-catalog-meguro-metadata.csv', import.meta.url));

export interface CatalogShowHostInfo {
  app: string;
  bare: string;
  /** A staff API token, for the writes before cold rounds. */
  token: string;
  status: number;
  bytes: number;
}

serveHost<CatalogShowHostInfo>(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kabuto-bench-catalog-'));
  const config = loadConfig(benchAppEnv(`sqlite:${join(dir, 'kabuto.db')}`, dir));
  const app = await buildApp(config);
  await seedReferenceData(app.kabuto);
  const report = await importCatalogCsv(catalogService(app.kabuto), systemCaller('bench'), MEGURO);
  if (report.problems.length || report.datasets.created !== 47) throw new Error(`the Meguro import did not load cleanly: ${JSON.stringify(report.datasets)}`);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const appUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

  const staff = await app.kabuto.auth.createUser(systemActor('bench'), { email: 'bench-catalog@example.jp', role: 'staff', password: 'bench password not for production' });
  const { token } = await app.kabuto.auth.createToken(systemActor('bench'), staff.id, 'bench', null);

  const res = await fetch(appUrl + SHOW_PATH);
  const body = Buffer.from(await res.arrayBuffer());
  const contentType = res.headers.get('content-type') ?? 'application/json';
  const bare = Fastify({ logger: false });
  bare.get(SHOW_PATH.split('?')[0]!, (_req, reply) => reply.type(contentType).send(body));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;

  return {
    info: { app: appUrl, bare: bareUrl, token, status: res.status, bytes: body.length },
    close: async () => {
      await bare.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
