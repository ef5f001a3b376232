/**
 * Child process of the attraction board benchmark: the real app on a file-backed SQLite database in
 * a temp dir (as in production, through loadConfig, logs silent), a pipeline of N leads spread over
 * the stages, a staff member's session cookie and API token, and beside it a bare Fastify server
 * answering GET /attraction/board with the bytes and content-type the app answered.
 */
import Fastify from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, SESSION_COOKIE } from '../src/app.js';
import { loadConfig } from '../src/core/config.js';
import { systemActor } from '../src/core/audit.js';
import { bumpVersion } from '../src/core/versions.js';
import { companiesService } from '../src/companies/index.js';
import { attractionStore } from '../src/attraction/store.js';
import { ORIGINS, SECTORS, type Stage } from '../src/attraction/rules.js';
import { BOARD_CARDS } from '../src/attraction/pages/routes.js';
import { benchAppEnv, serveHost } from './host.js';

const BOARD_PATH = '/attraction/board';

export interface BoardHostInfo {
  app: string;
  bare: string;
  /** Cookie header of a signed-in staff member (the board is for staff only). */
  cookie: string;
  /** A staff API token, for the writes before cold rounds. */
  token: string;
  /** A lead the cold rounds edit. */
  leadId: number;
  leads: number;
  captured: { status: number; contentType: string; bytes: number; cards: number };
  /** Cards the board should show: every stage's leads up to the per-column limit. */
  expectedCards: number;
}

const COUNTRIES = ['US', 'GB', 'SG', 'DE', 'FR', 'AU', 'CA', 'HK', 'CH', 'SE', 'NL', 'KR', 'IN', 'TW', 'CN'];
/** Open stages carry most of a working pipeline; closed ones the rest. */
const STAGE_MIX: Stage[] = ['lead', 'lead', 'lead', 'contacted', 'contacted', 'contacted', 'consulting', 'consulting', 'decided', 'established', 'dropped'];

serveHost<BoardHostInfo>(async () => {
  const leads = Number(process.env.BENCH_LEADS ?? 5000);
  const dir = mkdtempSync(join(tmpdir(), 'kabuto-bench-attraction-'));
  const config = loadConfig(benchAppEnv(`sqlite:${join(dir, 'kabuto.db')}`, dir));
  const app = await buildApp(config);
  const ctx = app.kabuto;
  const actor = systemActor('bench');
  const owners: Awaited<ReturnType<typeof ctx.auth.createUser>>[] = [];
  for (let i = 1; i <= 12; i++) owners.push(await ctx.auth.createUser(actor, { email: `bench-owner${i}@example.jp`, displayName: `Owner ${i}`, role: 'staff', password: 'bench password not for production' }));
  const staff = owners[0]!;
  const { token } = await ctx.auth.createToken(actor, staff.id, 'bench', null);
  const session = await ctx.auth.createSession(staff, 'bench');

  // The pipeline, in one transaction: each lead a company of the registry with the fields its stage needs.
  const now = new Date().toISOString();
  let leadId = 0;
  const perStage = new Map<Stage, number>();
  await ctx.db.transaction().execute(async (trx) => {
    for (let i = 0; i < leads; i++) {
      const { company } = await companiesService(ctx).create(actor, { nameEn: `Bench Foreign Firm ${i} Holdings`, country: COUNTRIES[i % COUNTRIES.length]! }, trx);
      const stage = STAGE_MIX[i % STAGE_MIX.length]!;
      perStage.set(stage, (perStage.get(stage) ?? 0) + 1);
      const reachedContact = stage !== 'lead';
      const row = {
        company_id: company.id,
        sector: SECTORS[i % SECTORS.length]!,
        origin: ORIGINS[i % ORIGINS.length]!,
        owner_id: owners[i % owners.length]!.id,
        stage,
        stage_changed_at: now,
        first_contact_date: reachedContact ? '2019-05-01' : null,
        contact_channel: reachedContact ? 'meeting' : null,
        decision_date: stage === 'decided' || stage === 'established' ? '2019-06-01' : null,
        planned_entity_type: stage === 'decided' || stage === 'established' ? 'kabushiki-kaisha' : null,
        established_date: stage === 'established' ? '2019-07-01' : null,
        office_address: stage === 'established' ? '1-1 Marunouchi, Chiyoda-ku' : null,
        entity_type: stage === 'established' ? 'kabushiki-kaisha' : null,
        staff_count: stage === 'established' ? 5 : null,
        drop_reason: stage === 'dropped' ? 'Chose another city' : null,
        dropped_from: stage === 'dropped' ? 'contacted' : null,
        notes: null,
        created_by: staff.id,
        created_at: now,
        updated_at: now,
      };
      const { id } = await attractionStore.insertLead(trx, row);
      if (stage === 'lead' && !leadId) leadId = id;
    }
    await bumpVersion(trx, ctx.clock, 'attraction');
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const appUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const cookie = `${SESSION_COOKIE}=${session}`;

  // Capture the body over real HTTP, then serve it from memory on a minimal Fastify.
  const res = await fetch(appUrl + BOARD_PATH, { headers: { cookie } });
  const body = Buffer.from(await res.arrayBuffer());
  const contentType = res.headers.get('content-type') ?? 'application/octet-stream';
  const cards = (body.toString('utf8').match(/<li><a href="\/attraction\/leads\/\d+">/g) ?? []).length;
  const bare = Fastify({ logger: false });
  bare.get(BOARD_PATH, (_req, reply) => reply.type(contentType).send(body));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;

  return {
    info: { app: appUrl, bare: bareUrl, cookie, token, leadId, leads, captured: { status: res.status, contentType, bytes: body.length, cards }, expectedCards: [...perStage.values()].reduce((sum, n) => sum + Math.min(n, BOARD_CARDS), 0) },
    close: async () => {
      await bare.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
