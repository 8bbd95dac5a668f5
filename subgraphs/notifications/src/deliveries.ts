import type { EventEnvelope } from '@jobber/events';
import { accountKinds, templateName } from './kinds.js';
import type { Notice } from './notices.js';
import { displayName, type RecipientRecord } from './records.js';
import type { NotificationsStore } from './store.js';
import type { Templates } from './templates.js';

/** A notice for an account this subgraph has not heard of yet: the event is retried later. */
export class RecipientUnknownError extends Error {
  override readonly name = 'RecipientUnknownError';
}

/**
 * Turns an event's notices into rows, in the consumer's (inbox) transaction: for each notice
 * the recipient's preference decides; the email is rendered and stored in `outgoing_mail` under
 * its idempotency key (event id + template + address), the in-app notification stored and
 * announced (`notifications.notification.created` through the outbox). The sender loop sends
 * the mail after the commit; nothing is sent from here.
 */
export class Deliveries {
  constructor(
    private readonly templates: Templates,
    private readonly publicUrl: string,
  ) {}

  async deliver(store: NotificationsStore, event: EventEnvelope, notices: readonly Notice[]) {
    if (notices.length === 0) return;
    const ids = new Set<string>();
    for (const notice of notices) {
      if (notice.to.userId) ids.add(notice.to.userId);
      if (notice.counterpartId) ids.add(notice.counterpartId);
    }
    const recipients = new Map(
      (await store.recipientsByIds([...ids])).map((row) => [row.userId, row] as const),
    );
    const preferences = new Map<string, Map<string, { email: boolean; inApp: boolean }>>();
    for (const notice of notices) {
      const userId = notice.to.userId;
      const recipient = userId ? recipients.get(userId) : undefined;
      const email = notice.to.email ?? recipient?.email;
      if (!email || (userId && !notice.to.email && !recipient)) {
        throw new RecipientUnknownError(
          `${event.type} ${event.id}: recipient ${userId} not known yet`,
        );
      }
      let choice = { email: true, inApp: true };
      if (userId) {
        let mine = preferences.get(userId);
        if (!mine) {
          const rows = await store.preferencesOf(userId);
          mine = new Map(rows.map((row) => [row.kind, row] as const));
          preferences.set(userId, mine);
        }
        choice = mine.get(notice.kind) ?? choice;
      }
      const optional = !accountKinds.has(notice.kind);
      const link = notice.path ? `${this.publicUrl}${notice.path}` : null;
      if (choice.email || !optional) {
        const template = templateName(notice.kind);
        const name = recipient ? displayName(recipient) : (notice.to.name ?? email);
        const counterpart = counterpartName(notice, recipients);
        const rendered = this.templates.render(template, {
          ...notice.data,
          name,
          counterpart,
          link: link ?? this.publicUrl,
          optional,
        });
        await store.addMail({
          idempotencyKey: `${event.id}:${template}:${email.toLowerCase()}`,
          eventId: event.id,
          template,
          userId,
          toEmail: email.toLowerCase(),
          toName: name,
          ...rendered,
        });
      }
      if (notice.inApp && userId && choice.inApp) {
        const created = await store.addNotification({
          userId,
          kind: notice.kind,
          title: notice.inApp.title,
          body: notice.inApp.body,
          link,
          eventId: event.id,
          createdAt: new Date(),
        });
        if (created) {
          await store.enqueue('notifications.notification.created', {
            notificationId: created.id,
            userId,
            kind: created.kind,
            title: created.title,
            body: created.body,
            link: created.link,
            createdAt: created.createdAt.toISOString(),
          });
        }
      }
    }
  }
}

function counterpartName(notice: Notice, recipients: Map<string, RecipientRecord>): string {
  if (!notice.counterpartId) return 'someone';
  const other = recipients.get(notice.counterpartId);
  return other ? displayName(other) : 'a member';
}
