import { SubgraphStore, createPrismaClient, type DatabaseSettings } from '@jobber/service-kit';
import { Prisma, PrismaClient } from './generated/prisma/client.js';
import type { BuyerRecord, SellerProfileFields, SellerRecord } from './profiles.js';
import type { SellerPageRequest } from './seller-pages.js';

/** The only module that talks to Prisma: every query of the users subgraph lives here. */

export type UsersPrisma = PrismaClient;
export type UsersTransaction = Prisma.TransactionClient;

export function createPrisma(
  database: DatabaseSettings,
  onQuery?: (sql: string) => void,
): UsersPrisma {
  return createPrismaClient(PrismaClient, database, onQuery);
}

const buyerFields = {
  id: true,
  username: true,
  country: true,
  avatarUrl: true,
  purchasedGigsCount: true,
  createdAt: true,
} as const satisfies Prisma.BuyerSelect;

/** Everything but `skillKeys`, which only the skill filter reads. */
const sellerOmit = { skillKeys: true } as const satisfies Prisma.SellerOmit;

type BuyerRow = Prisma.BuyerGetPayload<{ select: typeof buyerFields }>;
type SellerRow = Prisma.SellerGetPayload<{ omit: typeof sellerOmit }>;

function toBuyer(row: BuyerRow): BuyerRecord {
  const { id, ...rest } = row;
  return { userId: id, ...rest };
}

/**
 * The JSON columns hold what this store wrote from validated input (profile-input.ts), so they
 * are read back as those shapes.
 */
function toSeller(row: SellerRow): SellerRecord {
  return {
    userId: row.userId,
    fullName: row.fullName,
    oneliner: row.oneliner,
    description: row.description,
    skills: row.skills,
    languages: row.languages as unknown as SellerRecord['languages'],
    experience: row.experience as unknown as SellerRecord['experience'],
    education: row.education as unknown as SellerRecord['education'],
    certificates: row.certificates as unknown as SellerRecord['certificates'],
    socialLinks: row.socialLinks,
    responseTimeHours: row.responseTimeHours,
    stats: {
      ratingsCount: row.ratingsCount,
      ratingSum: row.ratingSum,
      ratingCounts: {
        one: row.oneStarCount,
        two: row.twoStarCount,
        three: row.threeStarCount,
        four: row.fourStarCount,
        five: row.fiveStarCount,
      },
      ongoingJobs: row.ongoingJobs,
      completedJobs: row.completedJobs,
      cancelledJobs: row.cancelledJobs,
      totalEarningsCents: Number(row.totalEarningsCents),
      gigCount: row.gigCount,
    },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The writable columns for the given profile fields (skills also in lower case, for the filter). */
function sellerColumns(fields: Partial<SellerProfileFields>) {
  return {
    ...(fields.fullName !== undefined ? { fullName: fields.fullName } : {}),
    ...(fields.oneliner !== undefined ? { oneliner: fields.oneliner } : {}),
    ...(fields.description !== undefined ? { description: fields.description } : {}),
    ...(fields.skills !== undefined
      ? { skills: fields.skills, skillKeys: fields.skills.map((skill) => skill.toLowerCase()) }
      : {}),
    ...(fields.languages !== undefined ? { languages: fields.languages } : {}),
    ...(fields.experience !== undefined ? { experience: fields.experience } : {}),
    ...(fields.education !== undefined ? { education: fields.education } : {}),
    ...(fields.certificates !== undefined ? { certificates: fields.certificates } : {}),
    ...(fields.socialLinks !== undefined ? { socialLinks: fields.socialLinks } : {}),
    ...(fields.responseTimeHours !== undefined
      ? { responseTimeHours: fields.responseTimeHours }
      : {}),
  } satisfies Prisma.SellerUpdateInput;
}

function isRecordNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'P2025';
}

/** `transaction()`, `within(tx)` and `enqueue()` come from the kit's SubgraphStore. */
export class UsersStore extends SubgraphStore<UsersTransaction> {
  // Buyers

  /** Creates the buyer profile; false when the account already has one. */
  async createBuyer(buyer: Omit<BuyerRecord, 'purchasedGigsCount'>): Promise<boolean> {
    const { count } = await this.db.buyer.createMany({
      data: [
        {
          id: buyer.userId,
          username: buyer.username,
          country: buyer.country,
          avatarUrl: buyer.avatarUrl,
          createdAt: buyer.createdAt,
        },
      ],
      skipDuplicates: true,
    });
    return count === 1;
  }

  async buyersByIds(ids: readonly string[]): Promise<BuyerRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.buyer.findMany({
      where: { id: { in: [...ids] } },
      select: buyerFields,
    });
    return rows.map(toBuyer);
  }

  // Sellers

  async sellersByIds(ids: readonly string[]): Promise<SellerRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.seller.findMany({
      where: { userId: { in: [...ids] } },
      omit: sellerOmit,
    });
    return rows.map(toSeller);
  }

  async sellerByUsername(username: string): Promise<SellerRecord | null> {
    const row = await this.db.seller.findFirst({
      where: { buyer: { username } },
      omit: sellerOmit,
    });
    return row ? toSeller(row) : null;
  }

  /** Throws Prisma's P2002 when the user already has a seller profile. */
  async createSeller(userId: string, fields: SellerProfileFields): Promise<SellerRecord> {
    const row = await this.db.seller.create({
      data: {
        userId,
        ...sellerColumns(fields),
        fullName: fields.fullName,
        oneliner: fields.oneliner,
        description: fields.description,
        skills: fields.skills,
        languages: fields.languages,
        responseTimeHours: fields.responseTimeHours,
      },
      omit: sellerOmit,
    });
    return toSeller(row);
  }

  /** Changes the given fields; null when the user has no seller profile. */
  async updateSeller(
    userId: string,
    fields: Partial<SellerProfileFields>,
  ): Promise<SellerRecord | null> {
    try {
      const row = await this.db.seller.update({
        where: { userId },
        data: { ...sellerColumns(fields), updatedAt: new Date() },
        omit: sellerOmit,
      });
      return toSeller(row);
    } catch (error) {
      if (isRecordNotFound(error)) return null;
      throw error;
    }
  }

  /**
   * Sellers newest first (ties by id), after the cursor, optionally with a skill: one statement.
   * `created_at <= cursor` is implied by the OR but lets the index scan start at the cursor.
   */
  async sellersPage(request: SellerPageRequest): Promise<SellerRecord[]> {
    const where: Prisma.SellerWhereInput[] = [];
    if (request.skillKey) where.push({ skillKeys: { has: request.skillKey } });
    if (request.after) {
      const { createdAt, userId } = request.after;
      where.push(
        { createdAt: { lte: createdAt } },
        { OR: [{ createdAt: { lt: createdAt } }, { createdAt, userId: { lt: userId } }] },
      );
    }
    const rows = await this.db.seller.findMany({
      where: { AND: where },
      orderBy: [{ createdAt: 'desc' }, { userId: 'desc' }],
      take: request.take,
      omit: sellerOmit,
    });
    return rows.map(toSeller);
  }

  // Gig counts (gigs.gig.* events)

  /**
   * Records a seller's gig as active or not (`null`: deleted) and recounts the seller's active
   * gigs into `gig_count`; a seller without a profile here only gets the gig row. The seller's row
   * is locked first: two transactions recording two gigs of one seller at once would each count
   * without the other's row and the later write would lose a gig.
   */
  async recordSellerGig(gigId: string, sellerId: string, active: boolean | null): Promise<void> {
    await this.db.$queryRaw`SELECT 1 FROM sellers WHERE user_id = ${sellerId}::uuid FOR UPDATE`;
    if (active === null) {
      await this.db.sellerGig.deleteMany({ where: { gigId } });
    } else {
      await this.db.sellerGig.upsert({
        where: { gigId },
        create: { gigId, sellerId, active },
        update: { active },
      });
    }
    const gigCount = await this.db.sellerGig.count({ where: { sellerId, active: true } });
    await this.db.seller.updateMany({ where: { userId: sellerId }, data: { gigCount } });
  }
  // Order tallies (orders.order.* events)

  /**
   * Records an order's latest status (the consumer decided with applyIfNewer first) and recounts
   * the seller's ongoing, completed and cancelled jobs and earnings, and the buyer's purchases.
   * Both users' buyer rows are locked first, in id order: two orders of the same people recorded
   * at once each count with the other's row, and never deadlock.
   */
  async recordOrder(order: {
    orderId: string;
    buyerId: string;
    sellerId: string;
    status: string;
    sellerEarningsCents: number;
    at: Date;
  }): Promise<void> {
    const ids = [...new Set([order.buyerId, order.sellerId])].sort();
    await this.db
      .$queryRaw`SELECT 1 FROM buyers WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
    const row = {
      buyerId: order.buyerId,
      sellerId: order.sellerId,
      status: order.status,
      sellerEarningsCents: order.sellerEarningsCents,
      updatedAt: order.at,
    };
    await this.db.orderTally.upsert({
      where: { orderId: order.orderId },
      create: { orderId: order.orderId, ...row },
      update: row,
    });
    const [counts] = await this.db.$queryRaw<
      { ongoing: number; completed: number; cancelled: number; earnings: bigint }[]
    >`SELECT
        count(*) FILTER (WHERE status IN ('PLACED', 'IN_PROGRESS', 'DELIVERED'))::int AS ongoing,
        count(*) FILTER (WHERE status = 'COMPLETED')::int AS completed,
        count(*) FILTER (WHERE status = 'CANCELLED')::int AS cancelled,
        coalesce(sum(seller_earnings_cents) FILTER (WHERE status = 'COMPLETED'), 0)::bigint AS earnings
      FROM order_tallies WHERE seller_id = ${order.sellerId}::uuid`;
    await this.db.seller.updateMany({
      where: { userId: order.sellerId },
      data: {
        ongoingJobs: counts?.ongoing ?? 0,
        completedJobs: counts?.completed ?? 0,
        cancelledJobs: counts?.cancelled ?? 0,
        totalEarningsCents: counts?.earnings ?? 0n,
      },
    });
    const purchased = await this.db.orderTally.count({
      where: { buyerId: order.buyerId, status: { not: 'CANCELLED' } },
    });
    await this.db.buyer.updateMany({
      where: { id: order.buyerId },
      data: { purchasedGigsCount: purchased },
    });
  }

  // Ratings (reviews.review.created, buyers' reviews of sellers)

  /**
   * Counts one rating into the seller's aggregate (atomic increments, so concurrent reviews are
   * all counted); false when users has no seller profile of that id. The consumer makes sure a
   * review is counted once.
   */
  async addSellerRating(sellerId: string, rating: 1 | 2 | 3 | 4 | 5): Promise<boolean> {
    const { count } = await this.db.seller.updateMany({
      where: { userId: sellerId },
      data: {
        ratingsCount: { increment: 1 },
        ratingSum: { increment: rating },
        [starColumn[rating]]: { increment: 1 },
      },
    });
    return count === 1;
  }
}

const starColumn = {
  1: 'oneStarCount',
  2: 'twoStarCount',
  3: 'threeStarCount',
  4: 'fourStarCount',
  5: 'fiveStarCount',
} as const;
