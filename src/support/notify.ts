/**
 * Notification mail of the support desk. Mail says that something happened and links to the case;
 * it never carries the message text, the documents or the personal data (mail is not a safe place for
 * a passport number). Each mail is in both languages: English first for the company, Japanese first
 * for staff.
 */
import type { OutgoingMail } from '../core/mail/index.js';
import { supportMessages } from './messages.js';

type Lang = 'ja' | 'en';
const catalogs = supportMessages as unknown as Record<Lang, Record<string, string>>;

export function say(lang: Lang, key: string, params: Record<string, string | number> = {}): string {
  const msg = catalogs[lang][key] ?? key;
  return msg.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export type MailEvent = 'case-opened' | 'company-message' | 'staff-message' | 'status-changed' | 'assigned';
export type Audience = 'company' | 'staff';

export interface MailCase {
  id: number;
  title: string;
  status: string;
  companyName: { ja: string; en: string };
}

/** The mail for an event on a case, to one audience (recipients are added by the caller). */
export function caseMail(event: MailEvent, audience: Audience, c: MailCase, publicUrl: string): Omit<OutgoingMail, 'to'> {
  const order: Lang[] = audience === 'company' ? ['en', 'ja'] : ['ja', 'en'];
  const link = `${publicUrl}/support/cases/${c.id}`;
  const part = (lang: Lang) => {
    const params = { id: c.id, title: c.title, company: c.companyName[lang], status: say(lang, `support.status.${c.status}`) };
    return [say(lang, `support.mail.${event}.body`, params), '', `${say(lang, 'support.mail.link')} ${link}`, '', say(lang, 'support.mail.privacy')].join('\n');
  };
  const subject = order.map((lang) => say(lang, `support.mail.${event}.subject`, { id: c.id, status: say(lang, `support.status.${c.status}`) })).join(' / ');
  const text = [part(order[0]!), '', '----------', '', part(order[1]!), '', '-- ', say(order[0]!, 'support.mail.signature')].join('\n');
  return { subject, text, meta: { module: 'support', event, caseId: c.id } };
}
