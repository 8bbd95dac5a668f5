import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  errors,
  isUuid,
  parseInput,
  requireViewer,
  type Caller,
  type Logger,
} from '@jobber/service-kit';
import type { EventData } from '@jobber/events';
import { requireSideMove, transition, type OrderMove } from './lifecycle.js';
import { MAX_PRICE_CENTS, orderMoney } from './money.js';
import { orderPages, type OrderPage } from './pages.js';
import { idempotencyKeys, type PaymentProvider } from './payments.js';
import {
  sideOf,
  type OrderPaymentRecord,
  type OrderRecord,
  type OrderRole,
  type OrderStatus,
  type PaymentStatus,
  type TimelineWhat,
} from './records.js';
import type { JobKind, OrdersStore } from './store.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A delivery not answered within this long completes by itself. */
export const AUTO_COMPLETE_MS = 3 * DAY_MS;
/** How far an extension may push the due date at once. */
export const MAX_EXTENSION_DAYS = 30;

const uuid = z.string().refine(isUuid, 'Not a valid id.');
const text = (max: number) =>
  z.string().trim().min(1, 'Must not be empty.').max(max, `At most ${max} characters.`);
const requirements = z
  .string()
  .trim()
  .max(5_000, 'At most 5000 characters.')
  .nullish()
  .transform((value) => value ?? '');
const attachmentUrl = z
  .url({ protocol: /^https?$/, error: 'Must be an http(s) URL.' })
  .max(2_000)
  .nullish()
  .transform((value) => value ?? null);

const placeOrderInput = z.object({ gigId: uuid, requirements });
const acceptOfferInput = z.object({ offerId: uuid, requirements });
const deliverInput = z.object({ orderId: uuid, message: text(5_000), attachmentUrl });
const reasonInput = z.object({ orderId: uuid, reason: text(2_000) });
const extensionInput = z
  .object({
    orderId: uuid,
    days: z.number().int().min(1).max(MAX_EXTENSION_DAYS).nullish(),
    newDueAt: z.date().nullish(),
    reason: text(2_000),
  })
  .superRefine((input, ctx) => {
    if ((input.days == null) === (input.newDueAt == null)) {
      ctx.addIssue({
        code: 'custom',
        path: [input.days == null ? 'days' : 'newDueAt'],
        message: 'Give exactly one of days and newDueAt.',
      });
    }
  });
const ordersArgs = z.object({
  role: z.enum(['BUYER', 'SELLER']),
  status: z
    .enum(['PENDING_PAYMENT', 'PLACED', 'IN_PROGRESS', 'DELIVERED', 'COMPLETED', 'CANCELLED'])
    .nullish()
    .transform((value) => value ?? null),
});

export interface OrdersSettings {
  clock: () => Date;
  paymentExpiryMs: number;
}

/** Payment statuses from which a confirmation may still succeed. */
const CONFIRMABLE: readonly PaymentStatus[] = ['REQUIRES_PAYMENT', 'REQUIRES_ACTION', 'FAILED'];

/**
 * The order rules: only its buyer and seller see an order, each makes only their own moves,
 * every status change follows the transition table (lifecycle.ts) on the locked order row, and
 * every change enqueues its event in the same transaction. Payment calls go out before or after
 * a transaction, never inside one; refunds go through the schedule, so they are retried until
 * the provider has them.
 */
export class Orders {
  constructor(
    private readonly store: OrdersStore,
    private readonly payments: PaymentProvider,
    private readonly settings: OrdersSettings,
    private readonly logger?: Logger,
  ) {}

  get now(): Date {
    return this.settings.clock();
  }

  // Reads

  /** `order(id)`: null unless the viewer is its buyer or seller. */
  async order(id: string, caller: Caller): Promise<OrderRecord | null> {
    const viewer = requireViewer(caller);
    if (!isUuid(id)) return null;
    const [order] = await this.store.ordersByIds([id]);
    return order && sideOf(order, viewer.id) ? order : null;
  }

  /** `User.orders`: the viewer's own only. */
  async ordersOf(
    userId: string,
    args: {
      role: OrderRole;
      status?: OrderStatus | null;
      first?: number | null;
      after?: string | null;
    },
    caller: Caller,
  ): Promise<OrderPage> {
    const viewer = requireViewer(caller);
    if (viewer.id !== userId) throw errors.forbidden('You can only list your own orders.');
    const { role, status } = parseInput(ordersArgs, args);
    const request = orderPages.forward(args);
    const rows = await this.store.ordersPage(viewer.id, role, status, request);
    return orderPages.connection(rows, request);
  }

  // Placing and paying

  async placeOrder(input: unknown, caller: Caller): Promise<OrderPaymentRecord> {
    const viewer = requireViewer(caller);
    const { gigId, requirements } = parseInput(placeOrderInput, input);
    const gig = await this.store.gigById(gigId);
    if (!gig || gig.deletedAt) throw errors.notFound('Gig');
    if (gig.sellerId === viewer.id) {
      throw errors.forbidden('You cannot order your own gig.');
    }
    if (!gig.active) throw errors.conflict('The gig is paused: it takes no orders.', 'gigId');
    if (gig.priceCents <= 0 || gig.priceCents > MAX_PRICE_CENTS) {
      throw errors.conflict('The gig has no valid price.', 'gigId');
    }
    return this.create({
      gig: { id: gig.id, title: gig.title, sellerId: gig.sellerId, currency: gig.currency },
      buyerId: viewer.id,
      offerId: null,
      priceCents: gig.priceCents,
      deliveryDays: gig.deliveryDays,
      requirements,
    });
  }

  async acceptOffer(input: unknown, caller: Caller): Promise<OrderPaymentRecord> {
    const viewer = requireViewer(caller);
    const { offerId, requirements } = parseInput(acceptOfferInput, input);
    const offer = await this.store.offerById(offerId);
    const gigOf = offer ? await this.store.gigById(offer.gigId) : null;
    if (!offer || (offer.buyerId !== viewer.id && offer.sellerId !== viewer.id)) {
      throw errors.notFound('Offer');
    }
    if (offer.buyerId !== viewer.id) throw errors.forbidden('Only the buyer can accept an offer.');
    const now = this.now;
    if (offer.state !== 'OPEN' || offer.expiresAt.getTime() <= now.getTime()) {
      const state = offer.state === 'OPEN' ? 'expired' : offer.state.toLowerCase();
      throw errors.conflict(`The offer is no longer open (it is ${state}).`, 'offerId');
    }
    return this.create({
      gig: {
        id: offer.gigId,
        title: gigOf?.title || 'Custom offer',
        sellerId: offer.sellerId,
        currency: gigOf?.currency ?? 'USD',
      },
      buyerId: viewer.id,
      offerId: offer.id,
      priceCents: offer.priceCents,
      deliveryDays: offer.deliveryDays,
      requirements: requirements || offer.description,
    });
  }

  private async create(input: {
    gig: { id: string; title: string; sellerId: string; currency: string };
    buyerId: string;
    offerId: string | null;
    priceCents: number;
    deliveryDays: number;
    requirements: string;
  }): Promise<OrderPaymentRecord> {
    const money = orderMoney(input.priceCents);
    const orderId = randomUUID();
    const idempotencyKey = idempotencyKeys.create(orderId);
    // Before the transaction: a created intent nobody pays is harmless, a held connection is not.
    const intent = await this.payments.createIntent({
      orderId,
      amountCents: money.totalCents,
      currency: input.gig.currency,
      idempotencyKey,
    });
    const now = this.now;
    const order = await this.store.transaction(async (store) => {
      if (input.offerId) {
        // One live order per offer: the offer row is the lock.
        const offer = await store.lockOffer(input.offerId);
        if (!offer || offer.state !== 'OPEN') {
          throw errors.conflict('The offer is no longer open.', 'offerId');
        }
        if (await store.liveOrderOfOffer(input.offerId)) {
          throw errors.conflict('This offer was accepted already.', 'offerId');
        }
      }
      const created = await store.createOrder({
        order: {
          id: orderId,
          gigId: input.gig.id,
          gigTitle: input.gig.title,
          buyerId: input.buyerId,
          sellerId: input.gig.sellerId,
          offerId: input.offerId,
          ...money,
          currency: input.gig.currency,
          deliveryDays: input.deliveryDays,
          requirements: input.requirements,
          status: 'PENDING_PAYMENT',
          dueAt: null,
          placedAt: null,
          completedAt: null,
          cancelledAt: null,
          createdAt: now,
        },
        payment: {
          provider: this.payments.name,
          intentId: intent.intentId,
          clientSecret: intent.clientSecret,
          status: intent.status,
          amountCents: money.totalCents,
          currency: input.gig.currency,
          idempotencyKey,
        },
      });
      await store.schedule(
        'PAYMENT_EXPIRY',
        orderId,
        new Date(now.getTime() + this.settings.paymentExpiryMs),
      );
      return created;
    });
    return { order, clientSecret: intent.clientSecret };
  }

  /** `confirmPayment`: the buyer pays with a test card (the sandbox, or Stripe's test mode). */
  async confirmPayment(
    input: { orderId: string; cardNumber: string },
    caller: Caller,
  ): Promise<OrderRecord> {
    const order = await this.forSide(input.orderId, caller, 'BUYER', 'pay for');
    if (order.status !== 'PENDING_PAYMENT') transition(order.status, 'confirmPayment');
    const payment = await this.store.paymentOfOrder(order.id);
    if (!payment) throw new Error(`order ${order.id} has no payment`);
    const card = input.cardNumber.replace(/[\s-]/g, '');
    const result = await this.payments.confirm({
      intentId: payment.intentId,
      cardNumber: card,
      idempotencyKey: idempotencyKeys.confirm(payment.idempotencyKey, card),
    });
    return this.recordPaymentOutcome(payment.intentId, result.status, order.buyerId);
  }

  /**
   * What the provider said about an intent (the sandbox's answer, or a Stripe webhook): writes
   * it once. A confirmation places the order and announces it exactly once, however many
   * calls and webhooks say so, in whatever order.
   */
  async recordPaymentOutcome(
    intentId: string,
    status: PaymentStatus,
    actorId: string | null,
  ): Promise<OrderRecord> {
    const outcome = await this.store.transaction(async (store) => {
      const payment = await store.paymentByIntent(intentId);
      if (!payment) throw errors.notFound('Payment');
      const order = await store.lockOrder(payment.orderId);
      if (!order) throw new Error(`payment ${payment.id} has no order`);
      const now = this.now;
      if (status === 'SUCCEEDED') {
        if (!(await store.movePayment(payment.id, CONFIRMABLE, 'SUCCEEDED', now))) {
          return { order, refund: false };
        }
        if (order.status !== 'PENDING_PAYMENT') {
          // Paid after it expired: give the money back.
          await store.addTimeline({
            orderId: order.id,
            what: 'PAID',
            actorId,
            detail: null,
            at: now,
          });
          await store.schedule('REFUND', order.id, now);
          return { order, refund: true };
        }
        const placed = await store.updateOrder(
          order,
          {
            status: transition(order.status, 'confirmPayment'),
            placedAt: now,
            dueAt: new Date(now.getTime() + order.deliveryDays * DAY_MS),
          },
          now,
        );
        await store.addTimeline({
          orderId: order.id,
          what: 'PAID',
          actorId,
          detail: null,
          at: now,
        });
        await store.unschedule('PAYMENT_EXPIRY', order.id, now);
        if (placed.dueAt) await store.schedule('LATE_NOTICE', order.id, placed.dueAt);
        await store.enqueue('orders.order.placed', snapshot(placed, actorId, now));
        return { order: placed, refund: false };
      }
      if (status === 'FAILED' || status === 'REQUIRES_ACTION') {
        const from: PaymentStatus[] =
          status === 'FAILED'
            ? ['REQUIRES_PAYMENT', 'REQUIRES_ACTION']
            : ['REQUIRES_PAYMENT', 'FAILED'];
        if (await store.movePayment(payment.id, from, status, now)) {
          await store.addTimeline({
            orderId: order.id,
            what: status === 'FAILED' ? 'PAYMENT_FAILED' : 'PAYMENT_REQUIRES_ACTION',
            actorId,
            detail: null,
            at: now,
          });
        }
      }
      return { order, refund: false };
    });
    if (outcome.refund) await this.runSoon('REFUND', outcome.order.id);
    return outcome.order;
  }

  // The seller's and the buyer's moves

  async start(orderId: string, caller: Caller): Promise<OrderRecord> {
    return this.move(orderId, caller, 'start', async (store, order, viewerId, now) => {
      const started = await store.updateOrder(order, { status: 'IN_PROGRESS' }, now);
      await store.addTimeline({
        orderId: order.id,
        what: 'STARTED',
        actorId: viewerId,
        detail: null,
        at: now,
      });
      await store.enqueue('orders.order.started', {
        ...snapshot(started, viewerId, now),
        revision: false,
      });
      return started;
    });
  }

  async deliver(input: unknown, caller: Caller): Promise<OrderRecord> {
    const { orderId, message, attachmentUrl } = parseInput(deliverInput, input);
    return this.move(orderId, caller, 'deliver', async (store, order, viewerId, now) => {
      const delivered = await store.updateOrder(order, { status: 'DELIVERED' }, now);
      const delivery = await store.addDelivery({
        orderId: order.id,
        message,
        attachmentUrl,
        deliveredAt: now,
      });
      await store.addTimeline({
        orderId: order.id,
        what: 'DELIVERED',
        actorId: viewerId,
        detail: null,
        at: now,
      });
      await store.schedule('AUTO_COMPLETE', order.id, new Date(now.getTime() + AUTO_COMPLETE_MS));
      await store.enqueue('orders.order.delivered', {
        ...snapshot(delivered, viewerId, now),
        deliveryId: delivery.id,
        message,
        attachmentUrl,
        deliveredAt: now.toISOString(),
      });
      return delivered;
    });
  }

  async requestRevision(input: unknown, caller: Caller): Promise<OrderRecord> {
    const { orderId, reason } = parseInput(reasonInput, input);
    return this.move(orderId, caller, 'requestRevision', async (store, order, viewerId, now) => {
      const reopened = await store.updateOrder(order, { status: 'IN_PROGRESS' }, now);
      await store.addRevision({ orderId: order.id, reason, requestedAt: now });
      await store.addTimeline({
        orderId: order.id,
        what: 'REVISION_REQUESTED',
        actorId: viewerId,
        detail: reason,
        at: now,
      });
      await store.unschedule('AUTO_COMPLETE', order.id, now);
      // Back in progress: late again once past the due date, even if the notice ran meanwhile.
      if (order.dueAt) await store.schedule('LATE_NOTICE', order.id, order.dueAt);
      await store.enqueue('orders.order.started', {
        ...snapshot(reopened, viewerId, now),
        revision: true,
      });
      return reopened;
    });
  }

  async acceptDelivery(orderId: string, caller: Caller): Promise<OrderRecord> {
    return this.move(orderId, caller, 'accept', (store, order, viewerId, now) =>
      this.complete(store, order, viewerId, now, 'COMPLETED'),
    );
  }

  async requestCancellation(input: unknown, caller: Caller): Promise<OrderRecord> {
    const { orderId, reason } = parseInput(reasonInput, input);
    await this.forSide(orderId, caller, 'BUYER', 'ask to cancel');
    return this.store.transaction(async (store) => {
      const order = await this.locked(store, orderId);
      requireSideMove(order.status, 'requestCancellation');
      if (await store.pendingCancellation(order.id)) {
        throw errors.conflict(
          'A cancellation request is waiting for the seller already.',
          'orderId',
        );
      }
      const now = this.now;
      await store.addCancellation({ orderId: order.id, reason, requestedAt: now });
      await store.addTimeline({
        orderId: order.id,
        what: 'CANCELLATION_REQUESTED',
        actorId: order.buyerId,
        detail: reason,
        at: now,
      });
      return store.updateOrder(order, {}, now);
    });
  }

  async respondToCancellation(
    input: { orderId: string; accept: boolean },
    caller: Caller,
  ): Promise<OrderRecord> {
    await this.forSide(input.orderId, caller, 'SELLER', 'answer cancellation requests of');
    const result = await this.store.transaction(async (store) => {
      const order = await this.locked(store, input.orderId);
      requireSideMove(order.status, 'respondToCancellation');
      const pending = await store.pendingCancellation(order.id);
      if (!pending) throw errors.conflict('No cancellation request is waiting.', 'orderId');
      const now = this.now;
      await store.decideCancellation(pending.id, input.accept ? 'ACCEPTED' : 'DECLINED', now);
      if (!input.accept) {
        await store.addTimeline({
          orderId: order.id,
          what: 'CANCELLATION_DECLINED',
          actorId: order.sellerId,
          detail: null,
          at: now,
        });
        return { order: await store.updateOrder(order, {}, now), refund: false };
      }
      transition(order.status, 'acceptCancellation');
      return this.cancel(store, order, order.sellerId, pending.reason, now);
    });
    if (result.refund) await this.runSoon('REFUND', result.order.id);
    return result.order;
  }

  async cancelOrder(input: unknown, caller: Caller): Promise<OrderRecord> {
    const { orderId, reason } = parseInput(reasonInput, input);
    await this.forSide(orderId, caller, 'SELLER', 'cancel');
    const result = await this.store.transaction(async (store) => {
      const order = await this.locked(store, orderId);
      transition(order.status, 'cancel');
      const pending = await store.pendingCancellation(order.id);
      const now = this.now;
      if (pending) await store.decideCancellation(pending.id, 'ACCEPTED', now);
      return this.cancel(store, order, order.sellerId, reason, now);
    });
    if (result.refund) await this.runSoon('REFUND', result.order.id);
    return result.order;
  }

  async requestExtension(input: unknown, caller: Caller): Promise<OrderRecord> {
    const { orderId, days, newDueAt, reason } = parseInput(extensionInput, input);
    await this.forSide(orderId, caller, 'SELLER', 'ask for more time on');
    return this.store.transaction(async (store) => {
      const order = await this.locked(store, orderId);
      requireSideMove(order.status, 'requestExtension');
      if (!order.dueAt) throw new Error(`order ${order.id} is ${order.status} without a due date`);
      if (await store.pendingExtension(order.id)) {
        throw errors.conflict('An extension request is waiting for the buyer already.', 'orderId');
      }
      const requestedDueAt = days ? new Date(order.dueAt.getTime() + days * DAY_MS) : newDueAt;
      const field = days ? 'days' : 'newDueAt';
      if (!requestedDueAt || requestedDueAt.getTime() <= order.dueAt.getTime()) {
        throw errors.badUserInput('The new due date must be after the current one.', [
          { field, message: 'Must be after the current due date.' },
        ]);
      }
      if (requestedDueAt.getTime() > order.dueAt.getTime() + MAX_EXTENSION_DAYS * DAY_MS) {
        throw errors.badUserInput(`At most ${MAX_EXTENSION_DAYS} days more at once.`, [
          { field, message: `At most ${MAX_EXTENSION_DAYS} days after the due date.` },
        ]);
      }
      const now = this.now;
      const extension = await store.addExtension({
        orderId: order.id,
        currentDueAt: order.dueAt,
        requestedDueAt,
        reason,
        requestedAt: now,
      });
      await store.addTimeline({
        orderId: order.id,
        what: 'EXTENSION_REQUESTED',
        actorId: order.sellerId,
        detail: requestedDueAt.toISOString(),
        at: now,
      });
      await store.enqueue('orders.extension.requested', {
        ...extensionData(order, extension),
        requestedAt: now.toISOString(),
      });
      return store.updateOrder(order, {}, now);
    });
  }

  async respondToExtension(
    input: { orderId: string; approve: boolean },
    caller: Caller,
  ): Promise<OrderRecord> {
    await this.forSide(input.orderId, caller, 'BUYER', 'answer extension requests of');
    return this.store.transaction(async (store) => {
      const order = await this.locked(store, input.orderId);
      requireSideMove(order.status, 'respondToExtension');
      const pending = await store.pendingExtension(order.id);
      if (!pending) throw errors.conflict('No extension request is waiting.', 'orderId');
      const now = this.now;
      await store.decideExtension(pending.id, input.approve ? 'APPROVED' : 'DECLINED', now);
      await store.addTimeline({
        orderId: order.id,
        what: input.approve ? 'EXTENSION_APPROVED' : 'EXTENSION_DECLINED',
        actorId: order.buyerId,
        detail: input.approve ? pending.requestedDueAt.toISOString() : null,
        at: now,
      });
      const changed = await store.updateOrder(
        order,
        input.approve ? { dueAt: pending.requestedDueAt } : {},
        now,
      );
      if (input.approve) await store.schedule('LATE_NOTICE', order.id, pending.requestedDueAt);
      await store.enqueue('orders.extension.decided', {
        ...extensionData(order, pending),
        approved: input.approve,
        decidedAt: now.toISOString(),
      });
      return changed;
    });
  }

  // The schedule's moves (schedule.ts claims the job and runs these in its transaction)

  /** Runs one claimed job on `store` (bound to the claiming transaction). */
  async runJob(store: OrdersStore, kind: JobKind, orderId: string, now: Date): Promise<void> {
    const order = await store.lockOrder(orderId);
    if (!order) return;
    switch (kind) {
      case 'AUTO_COMPLETE':
        if (order.status !== 'DELIVERED') return;
        await this.complete(store, order, null, now, 'AUTO_COMPLETED');
        return;
      case 'PAYMENT_EXPIRY':
        if (order.status !== 'PENDING_PAYMENT') return;
        await store.updateOrder(
          order,
          { status: transition(order.status, 'expirePayment'), cancelledAt: now },
          now,
        );
        await store.addTimeline({
          orderId,
          what: 'PAYMENT_EXPIRED',
          actorId: null,
          detail: null,
          at: now,
        });
        // PENDING_PAYMENT orders publish nothing (the contract's `placed` comes with payment).
        return;
      case 'LATE_NOTICE':
        if (!(order.status === 'PLACED' || order.status === 'IN_PROGRESS')) return;
        if (!order.dueAt || order.dueAt.getTime() > now.getTime()) return;
        await store.addTimeline({ orderId, what: 'LATE', actorId: null, detail: null, at: now });
        return;
      case 'REFUND':
        await this.refund(store, orderId, now);
        return;
    }
  }

  /** Nudges the schedule to run a job now rather than at its next poll (set by `wire`). */
  runSoon: (kind: JobKind, orderId: string) => Promise<void> = async () => undefined;

  // Helpers

  private async refund(store: OrdersStore, orderId: string, now: Date): Promise<void> {
    const payment = await store.paymentOfOrder(orderId);
    if (!payment || payment.status !== 'SUCCEEDED') return;
    // Idempotent at the provider: the same key gives the same refund, however often it runs.
    const refund = await this.payments.refund({
      intentId: payment.intentId,
      amountCents: payment.amountCents,
      idempotencyKey: idempotencyKeys.refund(payment.idempotencyKey),
    });
    if (
      await store.movePayment(payment.id, ['SUCCEEDED'], 'REFUNDED', now, {
        refundId: refund.refundId,
        refundedCents: payment.amountCents,
      })
    ) {
      await store.addTimeline({
        orderId,
        what: 'REFUNDED',
        actorId: null,
        detail: `${payment.amountCents} ${payment.currency}`,
        at: now,
      });
    }
    this.logger?.info({ orderId, refundId: refund.refundId }, 'orders: refunded');
  }

  private async complete(
    store: OrdersStore,
    order: OrderRecord,
    actorId: string | null,
    now: Date,
    what: Extract<TimelineWhat, 'COMPLETED' | 'AUTO_COMPLETED'>,
  ): Promise<OrderRecord> {
    const move: OrderMove = actorId ? 'accept' : 'autoComplete';
    const completed = await store.updateOrder(
      order,
      { status: transition(order.status, move), completedAt: now },
      now,
    );
    await store.addTimeline({ orderId: order.id, what, actorId, detail: null, at: now });
    await store.unschedule('AUTO_COMPLETE', order.id, now);
    await store.unschedule('LATE_NOTICE', order.id, now);
    await store.enqueue('orders.order.completed', {
      ...snapshot(completed, actorId, now),
      completedAt: now.toISOString(),
    });
    return completed;
  }

  private async cancel(
    store: OrdersStore,
    order: OrderRecord,
    actorId: string,
    reason: string,
    now: Date,
  ): Promise<{ order: OrderRecord; refund: boolean }> {
    const cancelled = await store.updateOrder(
      order,
      { status: 'CANCELLED', cancelledAt: now },
      now,
    );
    await store.addTimeline({
      orderId: order.id,
      what: 'CANCELLED',
      actorId,
      detail: reason,
      at: now,
    });
    await store.unschedule('LATE_NOTICE', order.id, now);
    const payment = await store.paymentOfOrder(order.id);
    const paid = payment?.status === 'SUCCEEDED';
    if (paid) await store.schedule('REFUND', order.id, now);
    await store.enqueue('orders.order.cancelled', {
      ...snapshot(cancelled, actorId, now),
      reason,
      refundCents: paid && payment ? payment.amountCents : 0,
      cancelledAt: now.toISOString(),
    });
    return { order: cancelled, refund: paid };
  }

  /**
   * The order if the viewer is its buyer or seller (NOT_FOUND otherwise: no existence leak),
   * and FORBIDDEN unless they are on `side`.
   */
  private async forSide(
    orderId: string,
    caller: Caller,
    side: OrderRole,
    what: string,
  ): Promise<OrderRecord> {
    const viewer = requireViewer(caller);
    const id = parseInput(uuid, orderId, 'orderId');
    const [order] = await this.store.ordersByIds([id]);
    const viewerSide = order ? sideOf(order, viewer.id) : null;
    if (!order || !viewerSide) throw errors.notFound('Order');
    if (viewerSide !== side) {
      throw errors.forbidden(`Only the ${side.toLowerCase()} can ${what} this order.`);
    }
    return order;
  }

  private async locked(store: OrdersStore, orderId: string): Promise<OrderRecord> {
    const order = await store.lockOrder(orderId);
    if (!order) throw errors.notFound('Order');
    return order;
  }

  /** A status move by its side: checked, then made on the locked row. */
  private async move(
    orderId: string,
    caller: Caller,
    move: 'start' | 'deliver' | 'requestRevision' | 'accept',
    work: (
      store: OrdersStore,
      order: OrderRecord,
      viewerId: string,
      now: Date,
    ) => Promise<OrderRecord>,
  ): Promise<OrderRecord> {
    const side: OrderRole = move === 'start' || move === 'deliver' ? 'SELLER' : 'BUYER';
    const what = {
      start: 'start',
      deliver: 'deliver',
      requestRevision: 'ask for a revision of',
      accept: 'accept',
    }[move];
    const checked = await this.forSide(orderId, caller, side, what);
    const viewerId = requireViewer(caller).id;
    // Refused already as read: no transaction, no wait for the row lock.
    transition(checked.status, move);
    return this.store.transaction(async (store) => {
      const order = await this.locked(store, checked.id);
      transition(order.status, move);
      return work(store, order, viewerId, this.now);
    });
  }
}

/** The order as every orders.order.* event carries it. */
export function snapshot(
  order: OrderRecord,
  actorId: string | null,
  now: Date,
): EventData<'orders.order.placed'> {
  return {
    orderId: order.id,
    orderNumber: order.number,
    gigId: order.gigId,
    gigTitle: order.gigTitle || 'Gig',
    buyerId: order.buyerId,
    sellerId: order.sellerId,
    offerId: order.offerId,
    priceCents: order.priceCents,
    serviceFeeCents: order.serviceFeeCents,
    totalCents: order.totalCents,
    sellerEarningsCents: order.sellerEarningsCents,
    currency: order.currency,
    status: order.status,
    dueAt: order.dueAt?.toISOString() ?? null,
    placedAt: (order.placedAt ?? order.createdAt).toISOString(),
    actorId,
    occurredAt: now.toISOString(),
  };
}

function extensionData(
  order: OrderRecord,
  extension: { id: string; currentDueAt: Date; requestedDueAt: Date; reason: string },
) {
  return {
    extensionId: extension.id,
    orderId: order.id,
    orderNumber: order.number,
    gigTitle: order.gigTitle || 'Gig',
    buyerId: order.buyerId,
    sellerId: order.sellerId,
    currentDueAt: extension.currentDueAt.toISOString(),
    requestedDueAt: extension.requestedDueAt.toISOString(),
    reason: extension.reason,
  };
}
