import { randomUUID } from 'node:crypto';
import { SubgraphStore, createPrismaClient, type DatabaseSettings } from '@jobber/service-kit';
import { Prisma, PrismaClient } from './generated/prisma/client.js';
import { isNotificationKind, type NotificationKind } from './kinds.js';
import type {
  DevMailRecord,
  MailToSend,
  NewMail,
  NewNotification,
  NotificationRecord,
  RecipientRecord,
} from './records.js';

/** The only module that talks to Prisma: every query of the notifications subgraph lives here. */

export type NotificationsPrisma = PrismaClient;
export type NotificationsTransaction = Prisma.TransactionClient;

export function createPrisma(
  database: DatabaseSettings,
  onQuery?: (sql: string) => void,
): NotificationsPrisma {
  return createPrismaClient(PrismaClient, database, onQuery);
}

export interface NotificationCursor {
  createdAt: Date;
  id: string;
}

type NotificationRow = Prisma.NotificationGetPayload<object>;

function toNotification(row: NotificationRow): NotificationRecord {
  if (!isNotificationKind(row.kind)) throw new Error(`notification ${row.id}: kind ${row.kind}`);
  return { ...row, kind: row.kind };
}

/** `transaction()`, `within(tx)` and `enqueue()` come from the kit's SubgraphStore. */
export class NotificationsStore extends SubgraphStore<NotificationsTransaction> {
  // Recipients (auth.user.registered, users.seller.*): each part only moves forward.

  /** Email and username as of auth's `user` event `version`; false when a newer one is kept. */
  async putAccount(account: {
    userId: string;
    email: string;
    username: string;
    version: number;
  }): Promise<boolean> {
    const changed = await this.db.$executeRaw`
      INSERT INTO recipients AS r (user_id, email, username, account_version, updated_at)
      VALUES (${account.userId}::uuid, ${account.email}, ${account.username}, ${account.version}, now())
      ON CONFLICT (user_id) DO UPDATE
        SET email = EXCLUDED.email, username = EXCLUDED.username,
            account_version = EXCLUDED.account_version, updated_at = now()
        WHERE r.account_version < EXCLUDED.account_version`;
    return changed > 0;
  }

  /** The seller's full name as of users' `seller` event `version`; false when not applied. */
  async putSellerName(seller: {
    userId: string;
    fullName: string;
    version: number;
  }): Promise<boolean> {
    const changed = await this.db.$executeRaw`
      UPDATE recipients SET full_name = ${seller.fullName}, profile_version = ${seller.version},
        updated_at = now()
      WHERE user_id = ${seller.userId}::uuid AND profile_version < ${seller.version}`;
    return changed > 0;
  }

  async recipientsByIds(ids: readonly string[]): Promise<RecipientRecord[]> {
    if (ids.length === 0) return [];
    return this.db.recipient.findMany({
      where: { userId: { in: [...ids] } },
      select: { userId: true, email: true, username: true, fullName: true },
    });
  }

  // Presence (chat.presence.changed; the consumer decides with applyIfNewer first)

  async putPresence(presence: { userId: string; online: boolean; changedAt: Date }) {
    await this.db.presence.upsert({
      where: { userId: presence.userId },
      create: presence,
      update: presence,
    });
  }

  async isOnline(userId: string): Promise<boolean> {
    const row = await this.db.presence.findUnique({ where: { userId }, select: { online: true } });
    return row?.online ?? false;
  }

  // Preferences

  async preferencesOf(userId: string): Promise<{ kind: string; email: boolean; inApp: boolean }[]> {
    return this.db.preference.findMany({
      where: { userId },
      select: { kind: true, email: true, inApp: true },
    });
  }

  async putPreferences(
    userId: string,
    preferences: readonly { kind: NotificationKind; email: boolean; inApp: boolean }[],
  ): Promise<void> {
    for (const { kind, email, inApp } of preferences) {
      await this.db.preference.upsert({
        where: { userId_kind: { userId, kind } },
        create: { userId, kind, email, inApp },
        update: { email, inApp },
      });
    }
  }

  // Outgoing mail

  /** False when a mail of the same idempotency key exists (a redelivered event). */
  async addMail(mail: NewMail): Promise<boolean> {
    const { count } = await this.db.outgoingMail.createMany({
      data: [{ id: randomUUID(), ...mail }],
      skipDuplicates: true,
    });
    return count === 1;
  }

  /**
   * Claims up to `limit` due pending mails: each gets one more attempt and is leased until
   * `leaseUntil` (no other sender takes it meanwhile; a crashed sender's lease runs out).
   */
  async claimMail(limit: number, leaseMs: number): Promise<MailToSend[]> {
    return this.db.$queryRaw<MailToSend[]>`
      UPDATE outgoing_mail SET attempts = attempts + 1,
        next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000}::float8)
      WHERE id IN (
        SELECT id FROM outgoing_mail
        WHERE status = 'PENDING' AND next_attempt_at <= now()
        ORDER BY next_attempt_at, created_at LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      RETURNING id, to_email AS "toEmail", to_name AS "toName", subject, html, text, attempts`;
  }

  async markSent(id: string): Promise<void> {
    await this.db.outgoingMail.update({
      where: { id },
      data: { status: 'SENT', sentAt: new Date(), lastError: null },
    });
  }

  /** A failed attempt: retried at `retryAt`, or FAILED for good when null. */
  async markFailed(id: string, error: string, retryAt: Date | null): Promise<void> {
    await this.db.outgoingMail.update({
      where: { id },
      data: retryAt
        ? { lastError: error, nextAttemptAt: retryAt }
        : { lastError: error, status: 'FAILED' },
    });
  }

  /**
   * Deletes sent and failed mail created before `before` (up to `limit` rows), and the
   * development mailbox's messages stored before it; how many of each.
   */
  async pruneMail(before: Date, limit: number): Promise<{ mail: number; devMail: number }> {
    const mail = await this.db.$executeRaw`
      DELETE FROM outgoing_mail WHERE id IN (
        SELECT id FROM outgoing_mail WHERE status IN ('SENT', 'FAILED') AND created_at < ${before}
        LIMIT ${limit})`;
    const devMail = await this.db.$executeRaw`
      DELETE FROM dev_mailbox WHERE id IN (
        SELECT id FROM dev_mailbox WHERE sent_at < ${before} LIMIT ${limit})`;
    return { mail, devMail };
  }

  // The development mailbox

  async storeDevMail(
    mail: Omit<DevMailRecord, 'id' | 'sentAt'> & { mailId: string; messageId: string },
  ) {
    await this.db.devMail.createMany({
      data: [
        {
          id: randomUUID(),
          mailId: mail.mailId,
          messageId: mail.messageId,
          toEmail: mail.to,
          toName: mail.toName,
          subject: mail.subject,
          html: mail.html,
          text: mail.text,
        },
      ],
      skipDuplicates: true,
    });
  }

  async devMailbox(to: string, take: number): Promise<DevMailRecord[]> {
    const rows = await this.db.devMail.findMany({
      where: { toEmail: to },
      orderBy: [{ sentAt: 'desc' }, { id: 'desc' }],
      take,
    });
    return rows.map((row) => ({ ...row, to: row.toEmail }));
  }

  // In-app notifications

  /** The new notification, or null when this event already made it (a redelivery). */
  async addNotification(notification: NewNotification): Promise<NotificationRecord | null> {
    const id = randomUUID();
    const { count } = await this.db.notification.createMany({
      data: [{ id, ...notification }],
      skipDuplicates: true,
    });
    if (count === 0) return null;
    return { id, readAt: null, ...notification };
  }

  async notificationsPage(
    userId: string,
    request: { take: number; after: NotificationCursor | null },
    unreadOnly: boolean,
  ): Promise<NotificationRecord[]> {
    const where: Prisma.NotificationWhereInput[] = [{ userId }];
    if (unreadOnly) where.push({ readAt: null });
    if (request.after) {
      const { createdAt, id } = request.after;
      where.push(
        { createdAt: { lte: createdAt } },
        { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] },
      );
    }
    const rows = await this.db.notification.findMany({
      where: { AND: where },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: request.take + 1,
    });
    return rows.map(toNotification);
  }

  async notificationsByIds(ids: readonly string[]): Promise<NotificationRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.notification.findMany({ where: { id: { in: [...ids] } } });
    return rows.map(toNotification);
  }

  async unreadCount(userId: string): Promise<number> {
    return this.db.notification.count({ where: { userId, readAt: null } });
  }

  /** Marks the user's unread notifications of `ids` (all when null) read; how many changed. */
  async markRead(userId: string, ids: readonly string[] | null, at: Date): Promise<number> {
    const { count } = await this.db.notification.updateMany({
      where: { userId, readAt: null, ...(ids ? { id: { in: [...ids] } } : {}) },
      data: { readAt: at },
    });
    return count;
  }
}
