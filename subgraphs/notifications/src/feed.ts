import { z } from 'zod';
import {
  errors,
  isUuid,
  parseInput,
  requireViewer,
  type Caller,
  type ForwardPageArgs,
} from '@jobber/service-kit';
import type { MailSettings } from './config.js';
import { notificationPages, type NotificationPage } from './pages.js';
import type { DevMailRecord } from './records.js';
import type { NotificationsStore } from './store.js';

const markInput = z
  .object({ ids: z.array(z.string()).max(100).nullish(), all: z.boolean().nullish() })
  .refine((input) => (input.all === true) !== (input.ids != null), {
    message: 'give either ids or all: true',
    path: ['ids'],
  });

/** The viewer's in-app notifications, and the development mailbox. */
export class Feed {
  constructor(
    private readonly store: NotificationsStore,
    private readonly mail: MailSettings,
  ) {}

  async page(
    args: ForwardPageArgs & { unreadOnly?: boolean | null },
    caller: Caller,
  ): Promise<NotificationPage> {
    const viewer = requireViewer(caller);
    const request = notificationPages.forward(args);
    const rows = await this.store.notificationsPage(viewer.id, request, args.unreadOnly === true);
    return notificationPages.connection(rows, request);
  }

  unreadCount(caller: Caller): Promise<number> {
    return this.store.unreadCount(requireViewer(caller).id);
  }

  async markRead(raw: { ids?: readonly string[] | null; all?: boolean | null }, caller: Caller) {
    const viewer = requireViewer(caller);
    const input = parseInput(markInput, raw);
    const bad = (input.ids ?? []).findIndex((id) => !isUuid(id));
    if (bad >= 0)
      throw errors.badUserInput('Not a notification id.', [
        { field: `ids.${bad}`, message: 'not an id' },
      ]);
    await this.store.markRead(viewer.id, input.all ? null : (input.ids ?? []), new Date());
    return this.store.unreadCount(viewer.id);
  }

  async devMailbox(to: string): Promise<DevMailRecord[]> {
    if (!this.mail.devMailboxReadable) {
      throw errors.forbidden('The development mailbox is off (production, or SMTP_URL is set).');
    }
    return this.store.devMailbox(to.trim().toLowerCase(), 50);
  }
}
