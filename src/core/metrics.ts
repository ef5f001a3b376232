import type { Db } from './db/index.js';
import type { Dialect } from './db/index.js';

/**
 * The metric registry. A module publishes named metrics: a query that counts by fiscal year, with
 * optional filters. A plan indicator binds to a metric (name + params) and takes its actuals from it,
 * computed on read and cached by the data versions of the scopes the metric reads.
 */
export interface MetricContext {
  db: Db;
  dialect: Dialect;
}

export type MetricParams = Record<string, string | number | boolean | string[]>;

export interface MetricDefinition {
  /** Stable name, `module.metric`, e.g. `attraction.established`. */
  name: string;
  module: string;
  description_ja: string;
  description_en: string;
  /** Filters the metric accepts, with their allowed values when closed. */
  params?: Record<string, { description: string; values?: readonly string[] }>;
  /** Data-version scopes the query reads; a bump of any of them invalidates cached results. */
  scopes: readonly string[];
  /** Value per fiscal year (the count or sum within that year, not a running total). */
  compute(ctx: MetricContext, params: MetricParams): Promise<Map<number, number>>;
}

export class MetricRegistry {
  private readonly metrics = new Map<string, MetricDefinition>();

  register(def: MetricDefinition): void {
    if (this.metrics.has(def.name)) throw new Error(`metric ${def.name} is registered twice`);
    if (!/^[a-z][a-z0-9_-]*\.[a-z][a-z0-9_.-]*$/.test(def.name)) throw new Error(`metric name ${def.name} must be module.name`);
    this.metrics.set(def.name, def);
  }

  get(name: string): MetricDefinition | undefined {
    return this.metrics.get(name);
  }

  list(): MetricDefinition[] {
    return [...this.metrics.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Check params against the metric's declared filters; returns a message per problem. */
  validateParams(name: string, params: MetricParams): string[] {
    const def = this.metrics.get(name);
    if (!def) return [`unknown metric ${name}`];
    const problems: string[] = [];
    for (const [k, v] of Object.entries(params)) {
      const spec = def.params?.[k];
      if (!spec) {
        problems.push(`metric ${name} has no filter "${k}"`);
        continue;
      }
      const values = Array.isArray(v) ? v : [String(v)];
      if (spec.values) for (const x of values) if (!spec.values.includes(x)) problems.push(`filter ${k}: "${x}" is not one of ${spec.values.join(', ')}`);
    }
    return problems;
  }
}
