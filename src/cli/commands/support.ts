import type { Command } from 'commander';
import type { FastifyBaseLogger } from 'fastify';
import { loadConfig, type Config } from '../../core/config.js';
import { out, note } from '../output.js';

/**
 * `kabuto support purge`: delete the personal data (people and documents) of support cases closed
 * more than SUPPORT_RETENTION_DAYS ago. The server does the same on a timer; both take the
 * 'support.purge' lease, so two never purge at once. The service loads on use, so --help stays quick.
 */
export function supportCommands(program: Command): void {
  const support = program.command('support').description('support purge: delete personal data of support cases past their retention period');
  support
    .command('purge')
    .description('delete the people and documents of support cases closed more than SUPPORT_RETENTION_DAYS ago (cases and threads stay; each deletion is audited)')
    .action(async () => {
      await supportPurgeCommand(loadConfig());
    });
}

export async function supportPurgeCommand(config: Config): Promise<void> {
  const [{ withDatabase }, { systemClock }, { systemActor }, { MetricRegistry }, { AuthService }, { HookRegistry }, { SupportService }, { hostname }, { default: pino }] = await Promise.all([
    import('../db.js'),
    import('../../core/clock.js'),
    import('../../core/audit.js'),
    import('../../core/metrics.js'),
    import('../../core/auth/service.js'),
    import('../../core/context.js'),
    import('../../support/service.js'),
    import('node:os'),
    import('pino'),
  ]);
  await withDatabase(config, { migrate: true }, async (h) => {
    const log = pino({ level: config.logLevel }, pino.destination(2)) as unknown as FastifyBaseLogger;
    const ctx = { config, handle: h, db: h.db, dialect: h.dialect, clock: systemClock, metrics: new MetricRegistry(), auth: new AuthService(h.db, systemClock, config.sessionDays), log, hooks: new HookRegistry() };
    const result = await new SupportService(ctx).purgeOnce(`${hostname()}:${process.pid}:cli`, systemActor('cli'));
    if (!result) {
      note('another process is purging support data right now; nothing done');
      return;
    }
    out(`support purge: personal data of ${result.cases} case(s) deleted (${result.persons} person record(s), ${result.attachments} document(s)); retention ${config.supportRetentionDays} days`);
    if (result.caseIds.length) out(`cases: ${result.caseIds.join(', ')}`);
  });
}
