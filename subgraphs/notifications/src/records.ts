/** What the notification rules and resolvers work with: plain records, no Prisma or GraphQL types. */
import type { NotificationKind } from './kinds.js';

export interface RecipientRecord {
  userId: string;
  email: string;
  username: string;
  fullName: string | null;
}

/** The name an email greets: the seller profile's full name, else the username. */
export function displayName(recipient: Pick<RecipientRecord, 'username' | 'fullName'>): string {
  return recipient.fullName?.trim() || recipient.username;
}

export interface NotificationRecord {
  id: string;
  userId: string;
  kind: NotificationKind;
  title: string;
  body: string;
  link: string | null;
  readAt: Date | null;
  createdAt: Date;
}

export interface PreferenceRecord {
  kind: NotificationKind;
  email: boolean;
  inApp: boolean;
  emailOptional: boolean;
}

export interface DevMailRecord {
  id: string;
  to: string;
  toName: string;
  subject: string;
  html: string;
  text: string;
  sentAt: Date;
}

/** A rendered email waiting in `outgoing_mail`. */
export interface NewMail {
  idempotencyKey: string;
  eventId: string;
  template: string;
  userId: string | null;
  toEmail: string;
  toName: string;
  subject: string;
  html: string;
  text: string;
}

/** A claimed row of `outgoing_mail`: what the sender hands the mailer. */
export interface MailToSend {
  id: string;
  toEmail: string;
  toName: string;
  subject: string;
  html: string;
  text: string;
  attempts: number;
}

export interface NewNotification {
  userId: string;
  kind: NotificationKind;
  title: string;
  body: string;
  link: string | null;
  eventId: string;
  createdAt: Date;
}
