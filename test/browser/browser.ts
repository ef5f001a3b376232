/**
 * Real-browser test harness: Debian's Chromium driven by playwright-core, the real app listening on a
 * loopback port, and axe-core for accessibility.
 *
 * Outside CI a missing Chromium skips the browser suites (with the reason); under CI=true they never
 * skip: launching fails and the suite fails, as STYLE.md asks.
 */
import { existsSync } from 'node:fs';
import { AssertionError } from 'node:assert';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import axe from 'axe-core';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOptions } from '../../src/app.js';
import { testConfig } from '../../src/core/config.js';
import { FixedClock } from '../../src/core/clock.js';
import { systemActor } from '../../src/core/audit.js';
import type { Role } from '../../src/core/tables.js';

export const CHROMIUM = '/usr/bin/chromium';
const IN_CI = process.env.CI === 'true';

const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** `skip` option for a browser suite: a reason outside CI when Chromium is missing; under CI never skip. */
export const browserSkip: string | false = !existsSync(CHROMIUM) && !IN_CI ? `Chromium not found at ${CHROMIUM} (apt-get install chromium); skipping browser tests outside CI` : false;

/** One browser per test file: launch it in `before`, close it in `after`, give each test its own context. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is required for the browser tests but ${CHROMIUM} is missing${IN_CI ? ' (CI=true: the CI image must install the chromium package)' : ''}`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
}

/** Japanese browser by default (Accept-Language ja), so English must come from ?lang or the remembered choice. */
export const JA_BROWSER: BrowserContextOptions = { locale: 'ja-JP', timezoneId: 'Asia/Tokyo' };

export interface LiveApp {
  app: FastifyInstance;
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  clock: FixedClock;
  close(): Promise<void>;
}

/**
 * The real app with the shipped plan, listening on a random loopback port. SQLite in memory: the
 * dialect is not what browser tests test. The clock stands on 2019-06-15 (FY2019, inside the plan).
 */
export async function startApp({ now, ...opts }: BuildOptions & { now?: string } = {}): Promise<LiveApp> {
  const clock = new FixedClock(new Date(now ?? '2019-06-15T03:00:00Z'));
  const app = await buildApp(testConfig({ databaseUrl: 'sqlite::memory:', seedPlan: true, cookieSecure: false }), { clock, ...opts });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}`, clock, close: () => app.close() };
}

let userSeq = 0;
export const BROWSER_PASSWORD = 'correct horse battery staple';

/** A user created directly through the auth service (the test then signs in through the form). */
export async function createUser(app: FastifyInstance, role: Role): Promise<{ id: number; email: string; password: string }> {
  const email = `browser-${role}${++userSeq}@example.jp`;
  const user = await app.kabuto.auth.createUser(systemActor('test'), {
    email,
    role,
    password: BROWSER_PASSWORD,
    orgId: role === 'publisher' ? '130001' : null,
    companyId: role === 'member' ? 'c-test' : null,
  });
  return { id: user.id, email, password: BROWSER_PASSWORD };
}

/** Sign in through the real login form (works with JavaScript disabled); ends on `next`. */
export async function signInThroughForm(page: Page, base: string, user: { email: string; password: string }, next = '/'): Promise<void> {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page.locator('#f-email').fill(user.email);
  await page.locator('#f-password').fill(user.password);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.locator('form[action="/login"] button[type="submit"]').click()]);
}

/** Open a page and insist it answered 200 (an accessible error page proves nothing about the real one). */
export async function open(page: Page, url: string): Promise<void> {
  const res = await page.goto(url, { waitUntil: 'load' });
  const status = res?.status();
  if (status !== 200) throw new AssertionError({ message: `GET ${url} answered ${status ?? 'nothing'}, expected 200`, actual: status, expected: 200, operator: '===' });
}

/** The impacts that fail a page. */
export const FAILING_IMPACTS = new Set(['serious', 'critical']);

/** Run axe on the page as it stands; only violations of serious or critical impact. */
export async function seriousViolations(page: Page): Promise<axe.Result[]> {
  // evaluate, not a <script> tag: it runs whatever the page's Content-Security-Policy says.
  await page.evaluate(axe.source);
  const results = await page.evaluate(() => (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] }));
  return results.violations.filter((v) => FAILING_IMPACTS.has(v.impact ?? ''));
}

/** A readable report: rule id, impact, help text and link, then each failing node with axe's summary. */
export function describeViolations(where: string, violations: axe.Result[]): string {
  const out = [`axe found ${violations.length} serious or critical violation(s) on ${where}:`];
  for (const v of violations) {
    out.push(`- ${v.id} (${v.impact}): ${v.help} — ${v.helpUrl}`);
    for (const n of v.nodes.slice(0, 10)) {
      out.push(`    at ${n.target.join(' ')}: ${n.html.slice(0, 200)}`);
      if (n.failureSummary) out.push(...n.failureSummary.split('\n').map((l) => `      ${l.trim()}`));
    }
    if (v.nodes.length > 10) out.push(`    … and ${v.nodes.length - 10} more node(s)`);
  }
  return out.join('\n');
}

/** Fail with every serious or critical violation (ids, nodes, help) in the message. */
export async function expectAccessible(page: Page, where = page.url()): Promise<void> {
  const violations = await seriousViolations(page);
  if (violations.length) throw new AssertionError({ message: describeViolations(where, violations), actual: violations.map((v) => v.id), expected: [], operator: 'deepStrictEqual' });
}
