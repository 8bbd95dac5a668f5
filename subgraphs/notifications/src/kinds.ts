/** Every kind of notice (the schema's NotificationKind), with its email template's file name. */
export const notificationKinds = [
  'EMAIL_VERIFICATION',
  'SIGN_UP_EXISTING_EMAIL',
  'SIGN_IN_CODE',
  'SIGN_IN_LOCKED',
  'PASSWORD_RESET',
  'PASSWORD_CHANGED',
  'ORDER_PLACED',
  'ORDER_RECEIVED',
  'ORDER_STARTED',
  'EXTENSION_REQUESTED',
  'EXTENSION_DECIDED',
  'ORDER_DELIVERED',
  'ORDER_COMPLETED',
  'ORDER_CANCELLED',
  'OFFER_RECEIVED',
  'REVIEW_RECEIVED',
  'MESSAGE_RECEIVED',
] as const;

export type NotificationKind = (typeof notificationKinds)[number];

/**
 * The account emails: a user cannot switch them off (without them nobody can finish a sign-up,
 * a new-device sign-in or a password reset, nor learn of a change they did not make).
 */
export const accountKinds: ReadonlySet<NotificationKind> = new Set([
  'EMAIL_VERIFICATION',
  'SIGN_UP_EXISTING_EMAIL',
  'SIGN_IN_CODE',
  'SIGN_IN_LOCKED',
  'PASSWORD_RESET',
  'PASSWORD_CHANGED',
]);

export function isNotificationKind(value: string): value is NotificationKind {
  return (notificationKinds as readonly string[]).includes(value);
}

/** `ORDER_PLACED` → `order-placed` (templates/order-placed.hbs). */
export function templateName(kind: NotificationKind): string {
  return kind.toLowerCase().replace(/_/g, '-');
}
