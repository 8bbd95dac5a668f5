import { z } from 'zod';
import { errors, parseInput, requireViewer, type Caller } from '@jobber/service-kit';
import { accountKinds, notificationKinds, type NotificationKind } from './kinds.js';
import type { PreferenceRecord } from './records.js';
import type { NotificationsStore } from './store.js';

const updateInput = z
  .array(
    z.object({
      kind: z.enum(notificationKinds),
      email: z.boolean().nullish(),
      inApp: z.boolean().nullish(),
    }),
  )
  .min(1, 'give at least one kind')
  .max(notificationKinds.length * 2);

/** The rules of preferences: per kind, email and in-app on by default; account emails always on. */
export class Preferences {
  constructor(private readonly store: NotificationsStore) {}

  async of(caller: Caller): Promise<PreferenceRecord[]> {
    return this.all(await this.store.preferencesOf(requireViewer(caller).id));
  }

  async update(raw: unknown, caller: Caller): Promise<PreferenceRecord[]> {
    const viewer = requireViewer(caller);
    const changes = parseInput(updateInput, raw, 'preferences');
    const problems = changes.flatMap((change, index) =>
      change.email === false && accountKinds.has(change.kind)
        ? [
            {
              field: `preferences.${index}.email`,
              message: `${change.kind} emails cannot be switched off`,
            },
          ]
        : [],
    );
    if (problems.length > 0) {
      throw errors.badUserInput('Account emails cannot be switched off.', problems);
    }
    return this.store.transaction(async (store) => {
      const current = new Map(
        (await store.preferencesOf(viewer.id)).map((row) => [row.kind, row] as const),
      );
      const merged = new Map<
        NotificationKind,
        { kind: NotificationKind; email: boolean; inApp: boolean }
      >();
      for (const change of changes) {
        const before = merged.get(change.kind) ??
          current.get(change.kind) ?? { email: true, inApp: true };
        merged.set(change.kind, {
          kind: change.kind,
          email: change.email ?? before.email,
          inApp: change.inApp ?? before.inApp,
        });
      }
      await store.putPreferences(viewer.id, [...merged.values()]);
      return this.all(await store.preferencesOf(viewer.id));
    });
  }

  private all(
    rows: readonly { kind: string; email: boolean; inApp: boolean }[],
  ): PreferenceRecord[] {
    const byKind = new Map(rows.map((row) => [row.kind, row] as const));
    return notificationKinds.map((kind) => {
      const row = byKind.get(kind);
      const emailOptional = !accountKinds.has(kind);
      return {
        kind,
        email: emailOptional ? (row?.email ?? true) : true,
        inApp: row?.inApp ?? true,
        emailOptional,
      };
    });
  }
}
