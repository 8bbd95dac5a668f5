import { z } from 'zod';
import {
  errors,
  isUuid,
  parseInput,
  requireViewer,
  type Caller,
  type PageArgs,
  type ForwardPageArgs,
} from '@jobber/service-kit';
import { offerAt, offerExpiry } from './offers.js';
import {
  conversationPages,
  messagePages,
  type ConversationPage,
  type MessagePage,
} from './pages.js';
import {
  isParticipant,
  otherParticipant,
  participantsOf,
  type ClosedOfferState,
  type ConversationRecord,
  type MessageRecord,
  type OfferRecord,
} from './records.js';
import type { ChatStore } from './store.js';

/** Body limits of a message (an offer's description too). */
export const BODY_MAX = 5_000;

const body = z
  .string()
  .trim()
  .min(1, 'Must not be empty.')
  .max(BODY_MAX, `At most ${BODY_MAX} characters.`);
const uuid = z.string().refine(isUuid, 'Not a valid id.');
const attachmentUrl = z
  .url({ protocol: /^https?$/, error: 'Must be an http(s) URL.' })
  .max(2_000)
  .nullish()
  .transform((value) => value ?? null);

const sendMessageInput = z
  .object({
    recipientId: uuid.nullish(),
    conversationId: uuid.nullish(),
    body,
    attachmentUrl,
  })
  .superRefine((input, ctx) => {
    if ((input.recipientId == null) === (input.conversationId == null)) {
      ctx.addIssue({
        code: 'custom',
        path: [input.recipientId == null ? 'recipientId' : 'conversationId'],
        message: 'Give exactly one of recipientId and conversationId.',
      });
    }
  });

const sendOfferInput = z.object({
  conversationId: uuid,
  gigId: uuid,
  priceCents: z.number().int().min(100, 'At least 100 cents.').max(100_000_000),
  deliveryDays: z.number().int().min(1).max(365),
  description: body,
});

/**
 * The chat rules: only the two participants read or write a conversation; a custom offer comes
 * from the seller of its gig; every change enqueues its event in the same transaction (live
 * delivery to subscribers and the other subgraphs both go from the outbox).
 */
export class Conversations {
  constructor(
    private readonly store: ChatStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The conversation when the viewer takes part in it; NOT_FOUND otherwise (no existence leak). */
  async forParticipant(
    conversationId: string,
    caller: Caller,
    load: (id: string) => Promise<ConversationRecord | undefined> = async (id) =>
      (await this.store.conversationsByIds([id]))[0],
  ): Promise<ConversationRecord> {
    const viewer = requireViewer(caller);
    const id = parseInput(uuid, conversationId, 'conversationId');
    const conversation = await load(id);
    if (!conversation || !isParticipant(conversation, viewer.id)) {
      throw errors.notFound('Conversation');
    }
    return conversation;
  }

  /** `conversation(id)`: null for a conversation the viewer is not part of. */
  async conversation(id: string, caller: Caller): Promise<ConversationRecord | null> {
    const viewer = requireViewer(caller);
    if (!isUuid(id)) return null;
    const [conversation] = await this.store.conversationsByIds([id]);
    return conversation && isParticipant(conversation, viewer.id) ? conversation : null;
  }

  async conversations(args: ForwardPageArgs, caller: Caller): Promise<ConversationPage> {
    const viewer = requireViewer(caller);
    const request = conversationPages.forward(args);
    const rows = await this.store.conversationsPage(viewer.id, request);
    return conversationPages.connection(rows, request);
  }

  /** A page of messages; the caller has checked the viewer takes part. */
  async messages(conversation: ConversationRecord, args: PageArgs): Promise<MessagePage> {
    const request = messagePages.request(
      args.first == null && args.after == null ? { ...args, last: args.last ?? 20 } : args,
    );
    const rows = await this.store.messagesPage(conversation.id, request);
    return messagePages.connection(
      rows.map((row) => this.atNow(row)),
      request,
    );
  }

  /** A message as read now (an open offer past its expiry shows EXPIRED). */
  atNow(message: MessageRecord): MessageRecord {
    return message.offer ? { ...message, offer: offerAt(message.offer, this.now()) } : message;
  }

  async sendMessage(input: unknown, caller: Caller): Promise<MessageRecord> {
    const viewer = requireViewer(caller);
    const { recipientId, conversationId, body, attachmentUrl } = parseInput(
      sendMessageInput,
      input,
    );
    if (recipientId === viewer.id) {
      throw errors.badUserInput('You cannot message yourself.', [
        { field: 'recipientId', message: 'Must be another user.' },
      ]);
    }
    return this.store.transaction(async (store) => {
      const now = this.now();
      let conversation: ConversationRecord;
      if (recipientId) {
        if (!(await store.accountExists(recipientId))) throw errors.notFound('Recipient');
        conversation = await store.conversationOfPair(viewer.id, recipientId, now);
      } else {
        // Read on the transaction's own connection: a second pooled connection per transaction
        // would let a burst of sends hold the whole pool while each waits for one more.
        conversation = await this.forParticipant(
          conversationId ?? '',
          caller,
          async (id) => (await store.conversationsByIds([id]))[0],
        );
      }
      const message = await store.addMessage({
        conversationId: conversation.id,
        senderId: viewer.id,
        recipientId: otherParticipant(conversation, viewer.id),
        body,
        attachmentUrl,
        createdAt: now,
      });
      await store.enqueue('chat.message.sent', messageSent(conversation, message));
      return message;
    });
  }

  async markRead(conversationId: string, caller: Caller): Promise<ConversationRecord> {
    const viewer = requireViewer(caller);
    const conversation = await this.forParticipant(conversationId, caller);
    return this.store.transaction(async (store) => {
      const now = this.now();
      const marked = await store.markRead(conversation.id, viewer.id, now);
      if (marked > 0) {
        await store.enqueue('chat.conversation.read', {
          conversationId: conversation.id,
          readerId: viewer.id,
          participantIds: participantsOf(conversation),
          readAt: now.toISOString(),
        });
      }
      return conversation;
    });
  }

  async sendOffer(input: unknown, caller: Caller): Promise<MessageRecord> {
    const viewer = requireViewer(caller);
    const offer = parseInput(sendOfferInput, input);
    const conversation = await this.forParticipant(offer.conversationId, caller);
    const gig = await this.store.gigById(offer.gigId);
    if (!gig || gig.deletedAt) throw errors.notFound('Gig');
    if (gig.sellerId !== viewer.id)
      throw errors.forbidden('Only the seller of this gig can send an offer for it.');
    if (!gig.active)
      throw errors.conflict('The gig is paused: activate it to send offers.', 'gigId');
    return this.store.transaction(async (store) => {
      const now = this.now();
      const buyerId = otherParticipant(conversation, viewer.id);
      const expiresAt = offerExpiry(now);
      const message = await store.addMessage({
        conversationId: conversation.id,
        senderId: viewer.id,
        recipientId: buyerId,
        body: offer.description,
        attachmentUrl: null,
        createdAt: now,
        offer: {
          gigId: gig.id,
          priceCents: offer.priceCents,
          deliveryDays: offer.deliveryDays,
          expiresAt,
        },
      });
      await store.enqueue('chat.message.sent', messageSent(conversation, message));
      await store.enqueue('chat.offer.sent', {
        offerId: message.id,
        conversationId: conversation.id,
        gigId: gig.id,
        sellerId: viewer.id,
        buyerId,
        participantIds: participantsOf(conversation),
        priceCents: offer.priceCents,
        deliveryDays: offer.deliveryDays,
        description: offer.description,
        expiresAt: expiresAt.toISOString(),
        sentAt: now.toISOString(),
      });
      return message;
    });
  }

  /** The buyer declines an open offer. */
  declineOffer(offerId: string, caller: Caller): Promise<OfferRecord> {
    return this.closeOffer(offerId, 'DECLINED', 'buyerId', caller);
  }

  /** The seller withdraws an open offer. */
  cancelOffer(offerId: string, caller: Caller): Promise<OfferRecord> {
    return this.closeOffer(offerId, 'CANCELLED', 'sellerId', caller);
  }

  async setTyping(conversationId: string, caller: Caller): Promise<boolean> {
    const viewer = requireViewer(caller);
    const conversation = await this.forParticipant(conversationId, caller);
    await this.store.enqueue('chat.typing.started', {
      conversationId: conversation.id,
      userId: viewer.id,
      participantIds: participantsOf(conversation),
      startedAt: this.now().toISOString(),
    });
    return true;
  }

  /** Writes EXPIRED on open offers past their expiry and announces each (the periodic sweep). */
  async expireOffers(limit = 100): Promise<number> {
    return this.store.transaction(async (store) => {
      const now = this.now();
      const expired = await store.expireOffers(now, limit);
      const conversations = await store.conversationsByIds([
        ...new Set(expired.map((offer) => offer.conversationId)),
      ]);
      const byId = new Map(conversations.map((conversation) => [conversation.id, conversation]));
      for (const offer of expired) {
        const conversation = byId.get(offer.conversationId);
        if (!conversation) continue;
        await store.enqueue('chat.offer.updated', {
          offerId: offer.id,
          conversationId: offer.conversationId,
          gigId: offer.gigId,
          sellerId: offer.sellerId,
          buyerId: offer.buyerId,
          participantIds: participantsOf(conversation),
          state: 'EXPIRED',
          updatedAt: now.toISOString(),
        });
      }
      return expired.length;
    });
  }

  private async closeOffer(
    offerId: string,
    state: ClosedOfferState,
    who: 'buyerId' | 'sellerId',
    caller: Caller,
  ): Promise<OfferRecord> {
    const viewer = requireViewer(caller);
    const id = parseInput(uuid, offerId, 'offerId');
    const [message] = await this.store.messagesByIds([id]);
    const offer = message?.offer;
    if (!message || !offer || (offer.buyerId !== viewer.id && offer.sellerId !== viewer.id)) {
      throw errors.notFound('Offer');
    }
    if (offer[who] !== viewer.id) {
      throw errors.forbidden(
        who === 'buyerId'
          ? 'Only the buyer can decline an offer.'
          : 'Only the seller can cancel an offer.',
      );
    }
    return this.store.transaction(async (store) => {
      const now = this.now();
      const closed = await store.closeOffer(id, state, now);
      if (!closed?.offer) {
        const current = offerAt(offer, now).state.toLowerCase();
        throw errors.conflict(`The offer is no longer open (it is ${current}).`, 'offerId');
      }
      const [conversation] = await store.conversationsByIds([closed.conversationId]);
      if (!conversation) throw new Error(`offer ${id} has no conversation`);
      await store.enqueue('chat.offer.updated', {
        offerId: id,
        conversationId: closed.conversationId,
        gigId: closed.offer.gigId,
        sellerId: closed.offer.sellerId,
        buyerId: closed.offer.buyerId,
        participantIds: participantsOf(conversation),
        state,
        updatedAt: now.toISOString(),
      });
      return closed.offer;
    });
  }
}

function messageSent(conversation: ConversationRecord, message: MessageRecord) {
  return {
    messageId: message.id,
    conversationId: conversation.id,
    senderId: message.senderId,
    recipientId: message.recipientId,
    participantIds: participantsOf(conversation),
    body: message.body,
    attachmentUrl: message.attachmentUrl,
    hasOffer: message.offer !== null,
    sentAt: message.createdAt.toISOString(),
  };
}
