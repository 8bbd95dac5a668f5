import { cursorPages, type CursorOf, type ForwardPageArgs } from '@jobber/service-kit';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@jobber/service-kit';

/** Where a page of sellers (newest first) continues: after this creation time, then this id. */
const sellerCursor = { createdAt: 'date', userId: 'uuid' } as const;
export type SellerCursor = CursorOf<typeof sellerCursor>;
export const sellerPages = cursorPages(sellerCursor);

/** Opaque to clients: base64url of `<createdAt ISO>|<user id>`. */
export const encodeSellerCursor = sellerPages.encode;
/** The cursor, or null when `value` is not one this subgraph issued. */
export const decodeSellerCursor = sellerPages.decode;

export interface SellerPageRequest {
  take: number;
  after: SellerCursor | null;
  /** Lower-cased skill to filter by, or null for every seller. */
  skillKey: string | null;
}

/** Checks `sellers(first, after, skill)` and turns it into what the store reads. */
export function sellerPageRequest(
  args: ForwardPageArgs & { skill?: string | null },
): SellerPageRequest {
  const { take, after } = sellerPages.forward(args);
  const skill = args.skill?.trim().toLowerCase();
  return { take, after, skillKey: skill ? skill : null };
}
