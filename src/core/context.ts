import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { Clock } from './clock.js';
import type { Db, DatabaseHandle, Dialect } from './db/index.js';
import type { MetricRegistry } from './metrics.js';
import type { AuthService } from './auth/service.js';
import type { Messages } from './i18n/index.js';

/** What every domain gets: config, database, clock, metric registry, auth, logger. */
export interface AppContext {
  config: Config;
  handle: DatabaseHandle;
  db: Db;
  dialect: Dialect;
  clock: Clock;
  metrics: MetricRegistry;
  auth: AuthService;
  log: FastifyBaseLogger;
  /** Hooks other domains register (e.g. companies.merge); see each domain's service. */
  hooks: HookRegistry;
}

export class HookRegistry {
  private readonly hooks = new Map<string, Array<(...args: any[]) => Promise<void>>>();
  on(name: string, fn: (...args: any[]) => Promise<void>): void {
    const list = this.hooks.get(name) ?? [];
    list.push(fn);
    this.hooks.set(name, list);
  }
  async run(name: string, ...args: unknown[]): Promise<void> {
    for (const fn of this.hooks.get(name) ?? []) await fn(...args);
  }
}

export interface NavItem {
  href: string;
  /** Message key of the label. */
  label: string;
  /** Shown only to these roles (everyone when absent). */
  roles?: readonly string[];
}

/** A domain module: its messages, navigation, metrics, routes and first-start seed. */
export interface KabutoModule {
  name: string;
  messages?: Messages;
  nav?: NavItem[];
  /** Publish metrics; called before any module's seed, so bindings can refer to every metric. */
  registerMetrics?(ctx: AppContext): void;
  /** Load seed data on first start (idempotent). */
  seed?(ctx: AppContext): Promise<void>;
  routes(app: FastifyInstance, ctx: AppContext): Promise<void> | void;
}
