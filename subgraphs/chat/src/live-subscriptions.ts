import DataLoader from 'dataloader';
import {
  LiveStream,
  LoaderRegistry,
  alignToKeys,
  requireViewer,
  type Caller,
} from '@jobber/service-kit';
import { conversationById, messageById } from './context.js';
import type { Conversations } from './conversations.js';
import type { LiveEvent, LiveHub, PresenceSignal, TypingSignal } from './live.js';
import type { Presence } from './presence.js';
import type { ConversationRecord, MessageRecord } from './records.js';
import type { ChatStore } from './store.js';

/** What a subscription needs of its context: the caller and its (renewable) loaders. */
export interface SubscriberContext extends Caller {
  loaders: LoaderRegistry<ChatStore>;
}

/**
 * The four subscriptions. Authorization runs when subscribing (the viewer takes part in the
 * conversation: NOT_FOUND otherwise) and again for every event (the viewer is one of the
 * event's `participantIds`; presence only of partners). Each subscription of a viewer keeps
 * them online (presence.ts) until it ends. One graphql-ws operation keeps one context for all
 * its events, so every event gets fresh DataLoaders: nothing cached from an earlier event.
 */
export class LiveSubscriptions {
  /**
   * Subscribe-time lookups of the whole process batched (no cache: each is fresh): a burst of
   * subscriptions (a gateway reconnecting) costs one query per tick, not one per subscription.
   */
  private readonly conversationBatch: DataLoader<string, ConversationRecord | null>;
  /**
   * One event's loaders per viewer, shared by all of that viewer's subscriptions in this
   * process: 50 tabs receiving one message read its conversation once, not 50 times.
   */
  private readonly eventLoaders = new WeakMap<LiveEvent, Map<string, LoaderRegistry<ChatStore>>>();

  constructor(
    private readonly hub: LiveHub,
    private readonly presence: Presence,
    private readonly conversations: Conversations,
    private readonly store: ChatStore,
  ) {
    this.conversationBatch = new DataLoader(
      async (ids) => alignToKeys(ids, await store.conversationsByIds(ids), (row) => row.id),
      { cache: false, maxBatchSize: 1000 },
    );
  }

  private forParticipant(conversationId: string, ctx: SubscriberContext) {
    return this.conversations.forParticipant(
      conversationId,
      ctx,
      async (id) => (await this.conversationBatch.load(id)) ?? undefined,
    );
  }

  async messageAdded(conversationId: string, ctx: SubscriberContext) {
    const viewer = requireViewer(ctx);
    const conversation = await this.forParticipant(conversationId, ctx);
    return this.open(ctx, viewer.id, async (event) => {
      if (event.type !== 'chat.message.sent') return null;
      const { data } = event;
      if (data.conversationId !== conversation.id || !data.participantIds.includes(viewer.id)) {
        return null;
      }
      this.renewLoaders(ctx, event, viewer.id);
      return { messageAdded: await this.messageOf(event, ctx) };
    });
  }

  async conversationUpdated(ctx: SubscriberContext) {
    const viewer = requireViewer(ctx);
    return this.open(ctx, viewer.id, async (event) => {
      if (
        event.type === 'chat.typing.started' ||
        event.type === 'chat.presence.changed' ||
        // The offer's message announces it (chat.message.sent); its later changes come here.
        event.type === 'chat.offer.sent' ||
        !event.data.participantIds.includes(viewer.id)
      ) {
        return null;
      }
      this.renewLoaders(ctx, event, viewer.id);
      const conversation = await ctx.loaders.get(conversationById).load(event.data.conversationId);
      return conversation
        ? { conversationUpdated: conversation satisfies ConversationRecord }
        : null;
    });
  }

  async typing(conversationId: string, ctx: SubscriberContext) {
    const viewer = requireViewer(ctx);
    const conversation = await this.forParticipant(conversationId, ctx);
    return this.open(ctx, viewer.id, async (event) => {
      if (event.type !== 'chat.typing.started') return null;
      const { data } = event;
      if (
        data.conversationId !== conversation.id ||
        data.userId === viewer.id ||
        !data.participantIds.includes(viewer.id)
      ) {
        return null;
      }
      this.renewLoaders(ctx, event, viewer.id);
      const typing: TypingSignal = {
        conversationId: data.conversationId,
        userId: data.userId,
        startedAt: new Date(data.startedAt),
      };
      return { typing };
    });
  }

  /** Partners known at subscribe, plus those of conversations started while it is open. */
  async presenceChanged(ctx: SubscriberContext) {
    const viewer = requireViewer(ctx);
    const partners = new Set(await this.store.partnersOf(viewer.id));
    return this.open(
      ctx,
      viewer.id,
      async (event) => {
        if (event.type === 'chat.message.sent') {
          const { participantIds } = event.data;
          if (participantIds.includes(viewer.id)) {
            for (const id of participantIds) if (id !== viewer.id) partners.add(id);
          }
          return null;
        }
        if (event.type !== 'chat.presence.changed' || !partners.has(event.data.userId)) return null;
        this.renewLoaders(ctx, event, viewer.id);
        const { data } = event;
        const presenceChanged: PresenceSignal = {
          userId: data.userId,
          online: data.online,
          lastSeenAt: data.lastSeenAt ? new Date(data.lastSeenAt) : null,
          changedAt: new Date(data.changedAt),
        };
        return { presenceChanged };
      },
      { presence: true },
    );
  }

  /** Registers the viewer's connection, then listens; the connection ends with the stream. */
  private async open<T>(
    _ctx: SubscriberContext,
    userId: string,
    select: (event: LiveEvent) => Promise<T | null>,
    { presence = false } = {},
  ): Promise<LiveStream<LiveEvent, T>> {
    const connectionId = await this.presence.connect(userId);
    return new LiveStream({
      listen: (push) => this.hub.listen(userId, push, { presence }),
      select,
      // The presence connection ends with the stream, however it ends.
      onClose: () => this.presence.disconnect(connectionId),
    });
  }

  /** The new message from its event (no read: it is new); an offer's message is read. */
  private async messageOf(
    event: Extract<LiveEvent, { type: 'chat.message.sent' }>,
    ctx: SubscriberContext,
  ) {
    const { data } = event;
    if (data.hasOffer) {
      const message = await ctx.loaders.get(messageById).load(data.messageId);
      if (message) return this.conversations.atNow(message);
    }
    const message: MessageRecord = {
      id: data.messageId,
      conversationId: data.conversationId,
      senderId: data.senderId,
      recipientId: data.recipientId,
      body: data.body,
      attachmentUrl: data.attachmentUrl,
      readAt: null,
      createdAt: new Date(data.sentAt),
      offer: null,
    };
    return message;
  }

  /** Fresh loaders for this event (nothing cached from an earlier one), shared per viewer. */
  private renewLoaders(ctx: SubscriberContext, event: LiveEvent, viewerId: string): void {
    let byViewer = this.eventLoaders.get(event);
    if (!byViewer) {
      byViewer = new Map();
      this.eventLoaders.set(event, byViewer);
    }
    let loaders = byViewer.get(viewerId);
    if (!loaders) {
      loaders = new LoaderRegistry(this.store);
      byViewer.set(viewerId, loaders);
    }
    ctx.loaders = loaders;
  }
}
