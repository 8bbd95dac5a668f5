import {
  SubgraphStore,
  createPrismaClient,
  isUuid,
  type DatabaseSettings,
} from '@jobber/service-kit';
import { Prisma, PrismaClient } from './generated/prisma/client.js';
import type { CreateGigFields, UpdateGigFields } from './gig-input.js';
import type { GigPagesRequest, GigRecord, SellerSnapshot } from './gigs.js';
import type { GigDocument } from './search/search-index.js';

/** The only module that talks to Prisma (the search table has its own, search/postgres-index.ts). */

export type GigsPrisma = PrismaClient;
export type GigsTransaction = Prisma.TransactionClient;

export function createPrisma(
  database: DatabaseSettings,
  onQuery?: (sql: string) => void,
): GigsPrisma {
  return createPrismaClient(PrismaClient, database, onQuery);
}

type GigRow = Prisma.GigGetPayload<object>;

/** The gig table's columns under the model's field names, for raw reads mapped by toGig. */
const GIG_COLUMNS = `g.id::text AS "id", g.seller_id::text AS "sellerId", g.title, g.description,
  g.category, g.sub_category AS "subCategory", g.tags, g.price_cents AS "priceCents", g.currency,
  g.delivery_days AS "deliveryDays", g.cover_image_url AS "coverImageUrl", g.active,
  g.rating_count AS "ratingCount", g.rating_sum AS "ratingSum", g.one_star_count AS "oneStarCount",
  g.two_star_count AS "twoStarCount", g.three_star_count AS "threeStarCount",
  g.four_star_count AS "fourStarCount", g.five_star_count AS "fiveStarCount",
  g.created_at AS "createdAt", g.updated_at AS "updatedAt"`;

function toGig(row: GigRow): GigRecord {
  return {
    id: row.id,
    sellerId: row.sellerId,
    title: row.title,
    description: row.description,
    category: row.category,
    subCategory: row.subCategory,
    tags: row.tags,
    priceCents: row.priceCents,
    currency: row.currency,
    deliveryDays: row.deliveryDays,
    coverImageUrl: row.coverImageUrl,
    active: row.active,
    rating: {
      count: row.ratingCount,
      sum: row.ratingSum,
      counts: {
        one: row.oneStarCount,
        two: row.twoStarCount,
        three: row.threeStarCount,
        four: row.fourStarCount,
        five: row.fiveStarCount,
      },
    },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const starColumn = {
  1: 'oneStarCount',
  2: 'twoStarCount',
  3: 'threeStarCount',
  4: 'fourStarCount',
  5: 'fiveStarCount',
} as const;

/** `transaction()`, `within(tx)` and `enqueue()` come from the kit's SubgraphStore. */
export class GigsStore extends SubgraphStore<GigsTransaction> {
  // Sellers (from users' events)

  async sellerExists(userId: string): Promise<boolean> {
    return (await this.db.seller.count({ where: { userId } })) > 0;
  }

  async upsertSeller(seller: SellerSnapshot): Promise<void> {
    const fields = { username: seller.username, fullName: seller.fullName, updatedAt: new Date() };
    await this.db.seller.upsert({
      where: { userId: seller.userId },
      create: { userId: seller.userId, ...fields },
      update: fields,
    });
  }

  async gigIdsOfSeller(sellerId: string): Promise<string[]> {
    const rows = await this.db.gig.findMany({ where: { sellerId }, select: { id: true } });
    return rows.map((row) => row.id);
  }

  // Gigs

  async createGig(id: string, sellerId: string, fields: CreateGigFields): Promise<GigRecord> {
    const now = new Date();
    const row = await this.db.gig.create({
      data: { id, sellerId, ...fields, createdAt: now, updatedAt: now },
    });
    return toGig(row);
  }

  async updateGig(
    id: string,
    fields: UpdateGigFields & { active?: boolean },
  ): Promise<GigRecord | null> {
    const { count } = await this.db.gig.updateMany({
      where: { id },
      data: { ...fields, updatedAt: new Date() },
    });
    if (count === 0) return null;
    const [gig] = await this.gigsByIds([id]);
    return gig ?? null;
  }

  async deleteGig(id: string): Promise<boolean> {
    const { count } = await this.db.gig.deleteMany({ where: { id } });
    return count > 0;
  }

  /** Locks the gig's row for the rest of the transaction (owner check, then change). */
  async lockGig(id: string): Promise<GigRecord | null> {
    const rows = await this.db.$queryRawUnsafe<{ id: string }[]>(
      'SELECT id FROM gigs WHERE id = $1::uuid FOR UPDATE',
      id,
    );
    if (rows.length === 0) return null;
    const [gig] = await this.gigsByIds([id]);
    return gig ?? null;
  }

  async gigsByIds(ids: readonly string[]): Promise<GigRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.gig.findMany({ where: { id: { in: [...ids] } } });
    return rows.map(toGig);
  }

  /**
   * The same page of gigs for each of many sellers, newest first (ties by id), after the cursor:
   * one statement (a lateral join walks the seller/createdAt index once per seller).
   */
  async gigsPages(request: GigPagesRequest): Promise<GigRecord[]> {
    const sellerIds = [...new Set(request.sellerIds.filter(isUuid))];
    if (sellerIds.length === 0) return [];
    const rows = await this.db.$queryRawUnsafe<GigRow[]>(
      `SELECT ${GIG_COLUMNS} FROM unnest($1::uuid[]) AS s(seller_id)
      CROSS JOIN LATERAL (
        SELECT * FROM gigs g
        WHERE g.seller_id = s.seller_id
          AND ($2::boolean IS NULL OR g.active = $2::boolean)
          AND ($3::timestamptz IS NULL OR (g.created_at, g.id) < ($3::timestamptz, $4::uuid))
        ORDER BY g.created_at DESC, g.id DESC
        LIMIT $5::int
      ) g`,
      sellerIds,
      request.active,
      request.after?.createdAt ?? null,
      request.after?.id ?? null,
      request.take,
    );
    return rows.map(toGig);
  }

  // Ratings (from reviews' events)

  /** Counts the review into its gig's summary once; false for a review already counted. */
  async addRating(review: {
    reviewId: string;
    gigId: string;
    rating: 1 | 2 | 3 | 4 | 5;
    createdAt: Date;
  }): Promise<boolean> {
    const { count } = await this.db.gigRating.createMany({
      data: [review],
      skipDuplicates: true,
    });
    if (count === 0) return false;
    await this.db.gig.updateMany({
      where: { id: review.gigId },
      data: {
        ratingCount: { increment: 1 },
        ratingSum: { increment: review.rating },
        [starColumn[review.rating]]: { increment: 1 },
      },
    });
    return true;
  }

  // Search documents

  /** The search documents of these gigs (missing gigs left out), with the seller's display fields. */
  async searchDocuments(ids: readonly string[]): Promise<GigDocument[]> {
    const gigs = await this.gigsByIds(ids);
    const versions = await this.gigVersions(ids);
    return this.documentsOf(gigs, (id) => versions.get(id) ?? 0);
  }

  /** Every gig's document, `size` at a time in id order (the reindex command). */
  async *documentBatches(size: number): AsyncGenerator<GigDocument[]> {
    let after: string | undefined;
    for (;;) {
      const rows = await this.db.gig.findMany({
        where: after ? { id: { gt: after } } : {},
        orderBy: { id: 'asc' },
        take: size,
      });
      if (rows.length === 0) return;
      after = rows.at(-1)?.id;
      const gigs = rows.map(toGig);
      const versions = await this.gigVersions(gigs.map((gig) => gig.id));
      yield await this.documentsOf(gigs, (id) => versions.get(id) ?? 0);
    }
  }

  private async gigVersions(ids: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.db.eventAggregateVersion.findMany({
      where: { aggregateType: 'gig', aggregateId: { in: [...ids] } },
    });
    return new Map(rows.map((row) => [row.aggregateId, row.version]));
  }

  private async documentsOf(
    gigs: readonly GigRecord[],
    versionOf: (id: string) => number,
  ): Promise<GigDocument[]> {
    if (gigs.length === 0) return [];
    const sellers = await this.db.seller.findMany({
      where: { userId: { in: [...new Set(gigs.map((gig) => gig.sellerId))] } },
    });
    const byId = new Map(sellers.map((seller) => [seller.userId, seller]));
    return gigs.map((gig) => ({
      gigId: gig.id,
      sellerId: gig.sellerId,
      sellerUsername: byId.get(gig.sellerId)?.username ?? null,
      sellerFullName: byId.get(gig.sellerId)?.fullName ?? null,
      title: gig.title,
      description: gig.description,
      category: gig.category,
      subCategory: gig.subCategory,
      tags: gig.tags,
      priceCents: gig.priceCents,
      currency: gig.currency,
      deliveryDays: gig.deliveryDays,
      active: gig.active,
      ratingCount: gig.rating.count,
      ratingAverage: gig.rating.count > 0 ? gig.rating.sum / gig.rating.count : 0,
      createdAt: gig.createdAt,
      updatedAt: gig.updatedAt,
      version: versionOf(gig.id),
    }));
  }

  /** Bulk insert for the bench's seed (no events: the bench rebuilds the index afterwards). */
  async insertGigsForSeed(
    rows: readonly (CreateGigFields & { id: string; sellerId: string; createdAt: Date })[],
  ): Promise<void> {
    await this.db.gig.createMany({
      data: rows.map((row) => ({ ...row, updatedAt: row.createdAt })),
    });
  }
}
