import { randomUUID } from 'node:crypto';
import {
  SubgraphStore,
  createPrismaClient,
  isUniqueViolation,
  type DatabaseSettings,
  type ForwardPageRequest,
} from '@jobber/service-kit';
import { Prisma, PrismaClient } from './generated/prisma/client.js';
import type { OrderStatus } from './lifecycle.js';
import type {
  CancellationRecord,
  CancellationState,
  DeliveryRecord,
  ExtensionRecord,
  GigRecord,
  OfferRecord,
  OrderRecord,
  OrderRole,
  PaymentRecord,
  PaymentStatus,
  ProviderName,
  RequestState,
  RevisionRecord,
  TimelineRecord,
  TimelineWhat,
} from './records.js';

/** The only module that talks to Prisma: every query of the orders subgraph lives here. */

export type OrdersPrisma = PrismaClient;
export type OrdersTransaction = Prisma.TransactionClient;

export function createPrisma(
  database: DatabaseSettings,
  onQuery?: (sql: string) => void,
): OrdersPrisma {
  return createPrismaClient(PrismaClient, database, onQuery);
}

export interface OrderCursor {
  createdAt: Date;
  id: string;
}

/** The timed moves of the schedule (schedule.ts). */
export type JobKind = 'AUTO_COMPLETE' | 'PAYMENT_EXPIRY' | 'LATE_NOTICE' | 'REFUND';

export interface DueJob {
  id: string;
  kind: JobKind;
  orderId: string;
  runAt: Date;
  attempts: number;
}

type OrderRow = Prisma.OrderGetPayload<object>;
type PaymentRow = Prisma.PaymentGetPayload<object>;

const toOrder = (row: OrderRow): OrderRecord => ({ ...row, status: row.status as OrderStatus });
const toPayment = (row: PaymentRow): PaymentRecord => ({
  id: row.id,
  orderId: row.orderId,
  provider: row.provider as ProviderName,
  intentId: row.intentId,
  clientSecret: row.clientSecret,
  status: row.status as PaymentStatus,
  amountCents: row.amountCents,
  currency: row.currency,
  idempotencyKey: row.idempotencyKey,
  refundId: row.refundId,
  refundedCents: row.refundedCents,
  confirmedAt: row.confirmedAt,
});

/** A new order with its payment (written together: an order never exists without one). */
export interface NewOrder {
  order: Omit<OrderRecord, 'number' | 'version' | 'updatedAt'>;
  payment: Omit<PaymentRecord, 'id' | 'orderId' | 'refundId' | 'refundedCents' | 'confirmedAt'>;
}

/** Order numbers: FO- and seven of these (no 0/O or 1/I to misread). */
const NUMBER_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export function newOrderNumber(): string {
  let out = 'FO-';
  for (let i = 0; i < 7; i++) out += NUMBER_ALPHABET[Math.floor(Math.random() * 32)];
  return out;
}

/** `transaction()`, `within(tx)` and `enqueue()` come from the kit's SubgraphStore. */
export class OrdersStore extends SubgraphStore<OrdersTransaction> {
  // Gigs (gigs.gig.*; the consumer decides with applyIfNewer first)

  async putGig(gig: Omit<GigRecord, 'deletedAt'> & { updatedAt: Date }): Promise<void> {
    await this.db.gig.upsert({
      where: { id: gig.id },
      create: { ...gig, deletedAt: null },
      update: { ...gig, deletedAt: null },
    });
  }

  async deleteGig(gig: { id: string; sellerId: string; deletedAt: Date }): Promise<void> {
    await this.db.gig.upsert({
      where: { id: gig.id },
      create: {
        ...gig,
        title: '',
        priceCents: 0,
        currency: 'USD',
        deliveryDays: 1,
        active: false,
        updatedAt: gig.deletedAt,
      },
      update: { deletedAt: gig.deletedAt, active: false, updatedAt: gig.deletedAt },
    });
  }

  async gigById(id: string): Promise<GigRecord | null> {
    return this.db.gig.findUnique({
      where: { id },
      select: {
        id: true,
        sellerId: true,
        title: true,
        priceCents: true,
        currency: true,
        deliveryDays: true,
        active: true,
        deletedAt: true,
      },
    });
  }

  // Offers (chat.offer.*)

  async putOffer(offer: OfferRecord & { updatedAt: Date }): Promise<void> {
    await this.db.offer.upsert({ where: { id: offer.id }, create: offer, update: offer });
  }

  async setOfferState(id: string, state: string, updatedAt: Date): Promise<void> {
    await this.db.offer.updateMany({ where: { id }, data: { state, updatedAt } });
  }

  async offerById(id: string): Promise<OfferRecord | null> {
    return this.db.offer.findUnique({
      where: { id },
      select: {
        id: true,
        gigId: true,
        sellerId: true,
        buyerId: true,
        priceCents: true,
        deliveryDays: true,
        description: true,
        state: true,
        expiresAt: true,
      },
    });
  }

  /** The offer, locked until the transaction ends (one order per offer, whoever races). */
  async lockOffer(id: string): Promise<OfferRecord | null> {
    const rows = await this.db.$queryRawUnsafe<OfferRecord[]>(
      `SELECT id, gig_id AS "gigId", seller_id AS "sellerId", buyer_id AS "buyerId",
         price_cents AS "priceCents", delivery_days AS "deliveryDays", description, state,
         expires_at AS "expiresAt"
       FROM offers WHERE id = $1::uuid FOR UPDATE`,
      id,
    );
    return rows[0] ?? null;
  }

  /** Orders of the offer that are not cancelled (at most one). */
  async liveOrderOfOffer(offerId: string): Promise<OrderRecord | null> {
    const row = await this.db.order.findFirst({
      where: { offerId, status: { not: 'CANCELLED' } },
    });
    return row ? toOrder(row) : null;
  }

  // Orders

  /** Writes the order, its payment and its first timeline entry; retries a taken number. */
  async createOrder(input: NewOrder): Promise<OrderRecord> {
    for (let attempt = 0; ; attempt++) {
      try {
        const row = await this.db.order.create({
          data: {
            ...input.order,
            number: newOrderNumber(),
            updatedAt: input.order.createdAt,
            payment: {
              create: {
                id: randomUUID(),
                ...input.payment,
                createdAt: input.order.createdAt,
                updatedAt: input.order.createdAt,
              },
            },
            timeline: {
              create: {
                id: randomUUID(),
                what: 'CREATED',
                actorId: input.order.buyerId,
                detail: null,
                at: input.order.createdAt,
              },
            },
          },
        });
        return toOrder(row);
      } catch (error) {
        if (attempt < 5 && isUniqueViolation(error) && String(error).includes('number')) continue;
        throw error;
      }
    }
  }

  async ordersByIds(ids: readonly string[]): Promise<OrderRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.order.findMany({ where: { id: { in: [...ids] } } });
    return rows.map(toOrder);
  }

  /** The order, locked until the transaction ends: every move on it is decided one at a time. */
  async lockOrder(id: string): Promise<OrderRecord | null> {
    const [locked] = await this.db.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id FROM orders WHERE id = $1::uuid FOR UPDATE`,
      id,
    );
    if (!locked) return null;
    const row = await this.db.order.findUnique({ where: { id } });
    return row ? toOrder(row) : null;
  }

  /** Writes a change of a locked order, raising its version. */
  async updateOrder(
    order: OrderRecord,
    patch: Partial<
      Pick<OrderRecord, 'status' | 'dueAt' | 'placedAt' | 'completedAt' | 'cancelledAt'>
    >,
    now: Date,
  ): Promise<OrderRecord> {
    const { count } = await this.db.order.updateMany({
      where: { id: order.id, version: order.version },
      data: { ...patch, version: { increment: 1 }, updatedAt: now },
    });
    if (count !== 1) throw new Error(`order ${order.id} changed under its lock`);
    return { ...order, ...patch, version: order.version + 1, updatedAt: now };
  }

  /** A page of a user's orders as buyer or seller, newest first: one statement. */
  async ordersPage(
    userId: string,
    role: OrderRole,
    status: OrderStatus | null,
    request: ForwardPageRequest<OrderCursor>,
  ): Promise<OrderRecord[]> {
    const where: Prisma.OrderWhereInput[] = [
      role === 'BUYER' ? { buyerId: userId } : { sellerId: userId },
    ];
    if (status) where.push({ status });
    if (request.after) {
      const { createdAt, id } = request.after;
      where.push({ OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] });
    }
    const rows = await this.db.order.findMany({
      where: { AND: where },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: request.take + 1,
    });
    return rows.map(toOrder);
  }

  // An order's parts (the loaders read them for many orders at once)

  async addTimeline(entry: Omit<TimelineRecord, 'id'>): Promise<void> {
    await this.db.timelineEntry.create({ data: { id: randomUUID(), ...entry } });
  }

  async timelineOf(orderIds: readonly string[]): Promise<TimelineRecord[]> {
    if (orderIds.length === 0) return [];
    const rows = await this.db.timelineEntry.findMany({
      where: { orderId: { in: [...orderIds] } },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
    });
    return rows.map((row) => ({ ...row, what: row.what as TimelineWhat }));
  }

  async addDelivery(delivery: Omit<DeliveryRecord, 'id'>): Promise<DeliveryRecord> {
    return this.db.delivery.create({ data: { id: randomUUID(), ...delivery } });
  }

  async deliveriesOf(orderIds: readonly string[]): Promise<DeliveryRecord[]> {
    if (orderIds.length === 0) return [];
    return this.db.delivery.findMany({
      where: { orderId: { in: [...orderIds] } },
      orderBy: [{ deliveredAt: 'asc' }, { id: 'asc' }],
    });
  }

  async addRevision(revision: Omit<RevisionRecord, 'id'>): Promise<void> {
    await this.db.revisionRequest.create({ data: { id: randomUUID(), ...revision } });
  }

  async revisionsOf(orderIds: readonly string[]): Promise<RevisionRecord[]> {
    if (orderIds.length === 0) return [];
    return this.db.revisionRequest.findMany({
      where: { orderId: { in: [...orderIds] } },
      orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }],
    });
  }

  async addExtension(
    extension: Omit<ExtensionRecord, 'id' | 'state' | 'decidedAt'>,
  ): Promise<ExtensionRecord> {
    const row = await this.db.extensionRequest.create({
      data: { id: randomUUID(), ...extension, state: 'PENDING', decidedAt: null },
    });
    return { ...row, state: 'PENDING' };
  }

  async pendingExtension(orderId: string): Promise<ExtensionRecord | null> {
    const row = await this.db.extensionRequest.findFirst({
      where: { orderId, state: 'PENDING' },
    });
    return row ? { ...row, state: 'PENDING' } : null;
  }

  async decideExtension(id: string, state: RequestState, at: Date): Promise<void> {
    await this.db.extensionRequest.update({ where: { id }, data: { state, decidedAt: at } });
  }

  async extensionsOf(orderIds: readonly string[]): Promise<ExtensionRecord[]> {
    if (orderIds.length === 0) return [];
    const rows = await this.db.extensionRequest.findMany({
      where: { orderId: { in: [...orderIds] } },
      orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map((row) => ({ ...row, state: row.state as RequestState }));
  }

  async addCancellation(request: Omit<CancellationRecord, 'id' | 'state' | 'decidedAt'>) {
    await this.db.cancellationRequest.create({
      data: { id: randomUUID(), ...request, state: 'PENDING', decidedAt: null },
    });
  }

  async pendingCancellation(orderId: string): Promise<CancellationRecord | null> {
    const row = await this.db.cancellationRequest.findFirst({
      where: { orderId, state: 'PENDING' },
    });
    return row ? { ...row, state: 'PENDING' } : null;
  }

  async decideCancellation(id: string, state: CancellationState, at: Date): Promise<void> {
    await this.db.cancellationRequest.update({ where: { id }, data: { state, decidedAt: at } });
  }

  async cancellationsOf(orderIds: readonly string[]): Promise<CancellationRecord[]> {
    if (orderIds.length === 0) return [];
    const rows = await this.db.cancellationRequest.findMany({
      where: { orderId: { in: [...orderIds] } },
      orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map((row) => ({ ...row, state: row.state as CancellationState }));
  }

  // Payments

  async paymentsOf(orderIds: readonly string[]): Promise<PaymentRecord[]> {
    if (orderIds.length === 0) return [];
    const rows = await this.db.payment.findMany({ where: { orderId: { in: [...orderIds] } } });
    return rows.map(toPayment);
  }

  async paymentOfOrder(orderId: string): Promise<PaymentRecord | null> {
    const row = await this.db.payment.findUnique({ where: { orderId } });
    return row ? toPayment(row) : null;
  }

  async paymentByIntent(intentId: string): Promise<PaymentRecord | null> {
    const row = await this.db.payment.findUnique({ where: { intentId } });
    return row ? toPayment(row) : null;
  }

  /**
   * Moves the payment to `to` only from one of `from`, in one statement: true when this call
   * made the change (a second confirmation finds it SUCCEEDED already and changes nothing).
   */
  async movePayment(
    id: string,
    from: readonly PaymentStatus[],
    to: PaymentStatus,
    now: Date,
    extra: { refundId?: string; refundedCents?: number } = {},
  ): Promise<boolean> {
    const { count } = await this.db.payment.updateMany({
      where: { id, status: { in: [...from] } },
      data: {
        status: to,
        updatedAt: now,
        ...(to === 'SUCCEEDED' ? { confirmedAt: now } : {}),
        ...extra,
      },
    });
    return count === 1;
  }

  // The schedule

  /** Schedules (or moves) the order's job of this kind to `runAt`, to run once more. */
  async schedule(kind: JobKind, orderId: string, runAt: Date): Promise<void> {
    await this.db.scheduledJob.upsert({
      where: { kind_orderId: { kind, orderId } },
      create: { id: randomUUID(), kind, orderId, runAt },
      update: { runAt, doneAt: null, attempts: 0, lastError: null },
    });
  }

  /** Drops the order's pending job of this kind (the move it would make is moot now). */
  async unschedule(kind: JobKind, orderId: string, now: Date): Promise<void> {
    await this.db.scheduledJob.updateMany({
      where: { kind, orderId, doneAt: null },
      data: { doneAt: now },
    });
  }

  /**
   * Claims one due job until the transaction ends (`FOR UPDATE SKIP LOCKED`: another process
   * takes the next one, never this one); null when none is due.
   */
  async claimDueJob(now: Date): Promise<DueJob | null> {
    const rows = await this.db.$queryRawUnsafe<DueJob[]>(
      `SELECT id, kind, order_id AS "orderId", run_at AS "runAt", attempts
       FROM scheduled_jobs WHERE done_at IS NULL AND run_at <= $1
       ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
      now,
    );
    return rows[0] ?? null;
  }

  async finishJob(id: string, now: Date): Promise<void> {
    await this.db.scheduledJob.update({ where: { id }, data: { doneAt: now } });
  }

  /** A failed run: tried again after `retryAt`. */
  async failJob(id: string, error: string, retryAt: Date): Promise<void> {
    await this.db.scheduledJob.update({
      where: { id },
      data: { attempts: { increment: 1 }, lastError: error.slice(0, 500), runAt: retryAt },
    });
  }

  async jobOf(kind: JobKind, orderId: string) {
    return this.db.scheduledJob.findUnique({ where: { kind_orderId: { kind, orderId } } });
  }
}
