import { errors } from '@jobber/service-kit';

/** Relay page sizes (shared/DESIGN.md §3). */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Where a page of sellers (newest first) continues: after this creation time, then this id. */
export interface SellerCursor {
  createdAt: Date;
  userId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Opaque to clients: base64url of `<createdAt ISO>|<user id>`. */
export function encodeSellerCursor(cursor: SellerCursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.userId}`, 'utf8').toString(
    'base64url',
  );
}

/** The cursor, or null when `value` is not one this subgraph issued. */
export function decodeSellerCursor(value: string): SellerCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(value)) return null;
  const [time, userId, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !time || !userId || !ISO_MS.test(time) || !UUID.test(userId)) return null;
  const createdAt = new Date(time);
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== time) return null;
  return { createdAt, userId: userId.toLowerCase() };
}

export interface SellerPageRequest {
  take: number;
  after: SellerCursor | null;
  /** Lower-cased skill to filter by, or null for every seller. */
  skillKey: string | null;
}

/** Checks `sellers(first, after, skill)` and turns it into what the store reads. */
export function sellerPageRequest(args: {
  first?: number | null;
  after?: string | null;
  skill?: string | null;
}): SellerPageRequest {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw errors.badUserInput(`first must be between 1 and ${MAX_PAGE_SIZE}.`, [
      { field: 'first', message: `Must be between 1 and ${MAX_PAGE_SIZE}.` },
    ]);
  }
  let after: SellerCursor | null = null;
  if (args.after != null) {
    after = decodeSellerCursor(args.after);
    if (!after) {
      throw errors.badUserInput('The cursor is not valid.', [
        { field: 'after', message: 'Use an endCursor or cursor from a previous page.' },
      ]);
    }
  }
  const skill = args.skill?.trim().toLowerCase();
  return { take: first, after, skillKey: skill ? skill : null };
}
