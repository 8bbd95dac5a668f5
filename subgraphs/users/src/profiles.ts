import {
  errors,
  isUniqueViolation,
  parseInput,
  requireViewer,
  type Caller,
  type Connection,
  type Edge,
} from '@jobber/service-kit';
import type { EventData } from '@jobber/events';
import {
  sellerProfileInputSchema,
  sellerProfileUpdateSchema,
  type CertificateEntry,
  type EducationEntry,
  type ExperienceEntry,
  type SellerLanguage,
} from './profile-input.js';
import { sellerPageRequest, sellerPages } from './seller-pages.js';
import type { UsersStore } from './store.js';

/** A User as this subgraph sees it: only the key; the profile fields resolve through loaders. */
export interface UserReference {
  id: string;
}

/** A buyer profile (every registered account has one). */
export interface BuyerRecord {
  userId: string;
  username: string;
  country: string;
  avatarUrl: string | null;
  purchasedGigsCount: number;
  createdAt: Date;
}

/** What events keep up to date on a seller; `ratingSum / ratingsCount` is the average. */
export interface SellerStatsRecord {
  ratingsCount: number;
  ratingSum: number;
  ratingCounts: { one: number; two: number; three: number; four: number; five: number };
  ongoingJobs: number;
  completedJobs: number;
  cancelledJobs: number;
  totalEarningsCents: number;
  gigCount: number;
}

/** The part of a seller profile its owner writes. */
export interface SellerProfileFields {
  fullName: string;
  oneliner: string;
  description: string;
  skills: string[];
  languages: SellerLanguage[];
  experience: ExperienceEntry[];
  education: EducationEntry[];
  certificates: CertificateEntry[];
  socialLinks: string[];
  responseTimeHours: number;
}

export interface SellerRecord extends SellerProfileFields {
  userId: string;
  stats: SellerStatsRecord;
  createdAt: Date;
  updatedAt: Date;
}

export type SellerPageEdge = Edge<SellerRecord>;
export type SellerPage = Connection<SellerRecord>;

export type Registration = EventData<'auth.user.registered'>;

/** The average rating, or null with no ratings yet. */
export function averageRating(stats: SellerStatsRecord): number | null {
  return stats.ratingsCount > 0 ? stats.ratingSum / stats.ratingsCount : null;
}

function sellerEvent(buyer: BuyerRecord, seller: SellerRecord): EventData<'users.seller.created'> {
  return {
    userId: seller.userId,
    username: buyer.username,
    fullName: seller.fullName,
    oneliner: seller.oneliner,
    skills: seller.skills,
    languages: seller.languages,
    country: buyer.country,
  };
}

/** `auth.user.registered` → the account's buyer profile (once; a replay changes nothing). */
export async function registerBuyer(store: UsersStore, registration: Registration): Promise<void> {
  await store.createBuyer({
    userId: registration.userId,
    username: registration.username.toLowerCase(),
    country: registration.country,
    avatarUrl: registration.profilePictureUrl,
    createdAt: new Date(registration.registeredAt),
  });
}

/**
 * The profile rules: buyer profiles from registrations, seller profiles written only by their
 * owner, and seller lists. A profile change and its event commit in one transaction.
 */
export class Profiles {
  constructor(
    private readonly store: UsersStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async becomeSeller(raw: unknown, caller: Caller): Promise<SellerRecord> {
    const viewer = requireViewer(caller);
    const profile = parseInput(sellerProfileInputSchema(this.clock()), raw);
    const buyer = await this.requireBuyer(viewer.id);
    return this.store
      .transaction(async (store) => {
        const created = await store.createSeller(buyer.userId, profile);
        await store.enqueue('users.seller.created', sellerEvent(buyer, created));
        return created;
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw errors.conflict('You already have a seller profile.');
        throw error;
      });
  }

  async updateSellerProfile(raw: unknown, caller: Caller): Promise<SellerRecord> {
    const viewer = requireViewer(caller);
    const changes = parseInput(sellerProfileUpdateSchema(this.clock()), raw);
    const buyer = await this.requireBuyer(viewer.id);
    return this.store.transaction(async (store) => {
      const updated = await store.updateSeller(buyer.userId, changes);
      if (!updated) throw errors.notFound('Seller profile');
      await store.enqueue('users.seller.updated', sellerEvent(buyer, updated));
      return updated;
    });
  }

  sellerByUsername(username: string): Promise<SellerRecord | null> {
    return this.store.sellerByUsername(username.trim().toLowerCase());
  }

  /** One page of sellers, newest first: one query for `first + 1` rows. */
  async sellers(args: {
    first?: number | null;
    after?: string | null;
    skill?: string | null;
  }): Promise<SellerPage> {
    const request = sellerPageRequest(args);
    const rows = await this.store.sellersPage({ ...request, take: request.take + 1 });
    return sellerPages.connection(rows, request);
  }

  private async requireBuyer(userId: string): Promise<BuyerRecord> {
    const [buyer] = await this.store.buyersByIds([userId]);
    if (!buyer) throw errors.notFound('Account');
    return buyer;
  }
}
