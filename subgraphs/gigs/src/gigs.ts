import { randomUUID } from 'node:crypto';
import type { EventData } from '@jobber/events';
import {
  cursorPages,
  errors,
  isUuid,
  parseInput,
  requireViewer,
  type Caller,
  type CursorOf,
  type ForwardPageArgs,
  type ForwardPageRequest,
} from '@jobber/service-kit';
import { createGigSchema, updateGigSchema } from './gig-input.js';
import type { GigsStore } from './store.js';

/** A User as this subgraph sees it: only the key. */
export interface UserReference {
  id: string;
}

export interface RatingRecord {
  count: number;
  sum: number;
  counts: { one: number; two: number; three: number; four: number; five: number };
}

export interface GigRecord {
  id: string;
  sellerId: string;
  title: string;
  description: string;
  category: string;
  subCategory: string;
  tags: string[];
  priceCents: number;
  currency: string;
  deliveryDays: number;
  coverImageUrl: string | null;
  active: boolean;
  rating: RatingRecord;
  createdAt: Date;
  updatedAt: Date;
}

export interface SellerSnapshot {
  userId: string;
  username: string;
  fullName: string;
}

const gigCursor = { createdAt: 'date', id: 'uuid' } as const;
export type GigCursor = CursorOf<typeof gigCursor>;
export const gigPages = cursorPages(gigCursor);

/** One seller's page of gigs as the store reads it (`take` rows after the cursor). */
export interface GigPageRequest {
  sellerId: string;
  active: boolean | null;
  take: number;
  after: GigCursor | null;
}

/** The same page for many sellers: one statement (store.gigsPages). */
export type GigPagesRequest = Omit<GigPageRequest, 'sellerId'> & { sellerIds: readonly string[] };

/** A loader key for a page (keys compare as strings): every field of the request, in order. */
export function gigPageKey(page: GigPageRequest): string {
  const after = page.after ? `${page.after.createdAt.toISOString()}|${page.after.id}` : '|';
  return `${page.sellerId}|${String(page.active)}|${page.take}|${after}`;
}

export function parseGigPageKey(key: string): GigPageRequest {
  const [sellerId = '', active, take, createdAt, id] = key.split('|');
  return {
    sellerId,
    active: active === 'null' ? null : active === 'true',
    take: Number(take),
    after: createdAt && id ? { createdAt: new Date(createdAt), id } : null,
  };
}

export function gigSnapshot(gig: GigRecord): EventData<'gigs.gig.published'> {
  return {
    gigId: gig.id,
    sellerId: gig.sellerId,
    title: gig.title,
    category: gig.category,
    subCategory: gig.subCategory,
    tags: gig.tags,
    priceCents: gig.priceCents,
    currency: gig.currency,
    deliveryDays: gig.deliveryDays,
    coverImageUrl: gig.coverImageUrl,
    active: gig.active,
    createdAt: gig.createdAt.toISOString(),
    updatedAt: gig.updatedAt.toISOString(),
  };
}

/** GraphQL gives explicit nulls for left-out optional fields; only coverImageUrl may be cleared. */
function withoutNulls(input: unknown): unknown {
  if (typeof input !== 'object' || input === null) return input;
  return Object.fromEntries(
    Object.entries(input).filter(([key, value]) => value !== null || key === 'coverImageUrl'),
  );
}

/**
 * The gig rules: only sellers (known from users.seller.created) create gigs, only the owner
 * changes one; each change and its event commit in one transaction.
 */
export class Gigs {
  constructor(private readonly store: GigsStore) {}

  async createGig(raw: unknown, caller: Caller): Promise<GigRecord> {
    const viewer = requireViewer(caller);
    const fields = parseInput(createGigSchema, withoutNulls(raw));
    if (!(await this.store.sellerExists(viewer.id))) {
      throw errors.forbidden('Only sellers can publish gigs: create a seller profile first.');
    }
    return this.store.transaction(async (store) => {
      const gig = await store.createGig(randomUUID(), viewer.id, fields);
      await store.enqueue('gigs.gig.published', gigSnapshot(gig));
      return gig;
    });
  }

  async updateGig(id: string, raw: unknown, caller: Caller): Promise<GigRecord> {
    const viewer = requireViewer(caller);
    const fields = parseInput(updateGigSchema, withoutNulls(raw));
    return this.change(id, viewer.id, (store) => store.updateGig(id, fields));
  }

  async setGigActive(id: string, active: boolean, caller: Caller): Promise<GigRecord> {
    const viewer = requireViewer(caller);
    return this.change(id, viewer.id, (store) => store.updateGig(id, { active }));
  }

  async deleteGig(id: string, caller: Caller): Promise<string> {
    const viewer = requireViewer(caller);
    return this.store.transaction(async (store) => {
      const gig = await this.owned(store, id, viewer.id);
      await store.deleteGig(gig.id);
      await store.enqueue('gigs.gig.deleted', {
        gigId: gig.id,
        sellerId: gig.sellerId,
        deletedAt: new Date().toISOString(),
      });
      return gig.id;
    });
  }

  /**
   * Which of a seller's gigs the caller may page through, newest first: others see only active
   * ones. `read` is null when the page is empty for this caller (no query needed); the resolver
   * loads `read` through the per-request `gigsOfSeller` loader, so many sellers cost one statement.
   */
  sellerGigsPage(
    userId: string,
    args: ForwardPageArgs & { active?: boolean | null },
    caller: Caller,
  ): { request: ForwardPageRequest<GigCursor>; read: GigPageRequest | null } {
    const request = gigPages.forward(args);
    const own = caller.viewer?.id === userId;
    const active = own ? (args.active ?? null) : true;
    if (!isUuid(userId) || (!own && args.active === false)) return { request, read: null };
    const read = { sellerId: userId, active, take: request.take + 1, after: request.after };
    return { request, read };
  }

  private change(
    id: string,
    viewerId: string,
    work: (store: GigsStore) => Promise<GigRecord | null>,
  ): Promise<GigRecord> {
    return this.store.transaction(async (store) => {
      await this.owned(store, id, viewerId);
      const gig = await work(store);
      if (!gig) throw errors.notFound('Gig');
      await store.enqueue('gigs.gig.updated', gigSnapshot(gig));
      return gig;
    });
  }

  private async owned(store: GigsStore, id: string, viewerId: string): Promise<GigRecord> {
    const gig = isUuid(id) ? await store.lockGig(id) : null;
    if (!gig) throw errors.notFound('Gig');
    if (gig.sellerId !== viewerId) throw errors.forbidden('Only the gig’s seller can change it.');
    return gig;
  }
}
