import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { MailSender } from './sender.js';

const senders = new WeakMap<AppContext, MailSender>();

/** The outbox sender of an app (one per app), configured from SMTP_URL, MAIL_FROM and MAIL_MAX_ATTEMPTS. */
export function mailSender(ctx: AppContext): MailSender {
  let s = senders.get(ctx);
  if (!s) {
    s = new MailSender(ctx.db, ctx.dialect, { smtpUrl: ctx.config.smtpUrl, from: ctx.config.mailFrom, maxAttempts: ctx.config.mailMaxAttempts, clock: ctx.clock, log: ctx.log });
    senders.set(ctx, s);
  }
  return s;
}

const started = new WeakSet<AppContext>();

/**
 * Run the outbox sender in this process while the app is up: from onReady, every
 * MAIL_INTERVAL_SECONDS, stopped (the run in progress finished) on close. Without SMTP_URL, or with
 * an interval of 0, nothing runs and mail stays pending. Any module may call it; it starts once.
 */
export function runMailWorker(app: FastifyInstance, ctx: AppContext): void {
  if (started.has(ctx)) return;
  started.add(ctx);
  const seconds = ctx.config.mailIntervalSeconds;
  if (seconds <= 0 || !ctx.config.smtpUrl) return;
  app.addHook('onReady', async () => {
    mailSender(ctx).start(seconds * 1000);
    ctx.log.info({ intervalSeconds: seconds }, 'mail outbox sender started');
  });
  app.addHook('onClose', async () => mailSender(ctx).stop());
}

export { enqueue, listOutbox, getOutboxEntry, requeue, isMailAddress, MAIL_STATUSES, type OutgoingMail, type OutboxEntry, type OutboxQuery, type MailStatus } from './outbox.js';
export { MailSender, backoffMs, type RunResult, type SenderOptions } from './sender.js';
