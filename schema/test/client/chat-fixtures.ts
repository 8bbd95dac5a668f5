import { expect } from 'vitest';
import type { Member } from '@jobber/test-kit';
import {
  ConversationMessagesDocument,
  ConversationUpdatedDocument,
  ConversationsDocument,
  MarkConversationReadDocument,
  MessageAddedDocument,
  SendMessageDocument,
} from '../../generated/client/graphql.js';
import { executeData } from './execute.js';
import { operation, subscription } from './operation-fixture.js';
import type { World } from './world.js';

/** A seller and a buyer chat knows, and the seller's first message to the buyer. */
async function chatPair(world: World) {
  const [seller, buyer] = await Promise.all([world.seller(), world.member()]);
  await world.chat().knows(seller, buyer);
  const { sendMessage } = await executeData(seller.client, SendMessageDocument, {
    recipientId: buyer.id,
    body: 'Hello from the smoke test',
  });
  return { seller, buyer, conversationId: sendMessage.conversation.id };
}

const sendAs = (member: Member, conversationId: string, body: string) => () =>
  executeData(member.client, SendMessageDocument, { conversationId, body }).then(() => undefined);

/** The fixtures of operations/chat.graphql. */
export const chatFixtures = {
  Conversations: operation(ConversationsDocument, async (world) => {
    const { seller, buyer } = await chatPair(world);
    return {
      client: buyer.client,
      variables: { first: 10 },
      check: (data) =>
        expect(data.conversations?.edges.map((edge) => edge.node)).toEqual([
          expect.objectContaining({
            unreadCount: 1,
            otherParticipant: expect.objectContaining({ id: seller.id, online: false }),
            lastMessage: expect.objectContaining({
              body: 'Hello from the smoke test',
              sender: expect.objectContaining({
                username: seller.username,
                sellerProfile: { fullName: `Seller ${seller.username}` },
              }),
            }),
          }),
        ]),
    };
  }),

  ConversationMessages: operation(ConversationMessagesDocument, async (world) => {
    const { seller, conversationId } = await chatPair(world);
    await sendAs(seller, conversationId, 'second')();
    return {
      client: seller.client,
      variables: { id: conversationId, last: 20 },
      check: (data) =>
        expect(data.conversation?.messages.edges.map((edge) => edge.node.body)).toEqual([
          'Hello from the smoke test',
          'second',
        ]),
    };
  }),

  SendMessage: operation(SendMessageDocument, async (world) => {
    const { buyer, conversationId } = await chatPair(world);
    return {
      client: buyer.client,
      variables: { conversationId, body: 'A reply' },
      check: (data) =>
        expect(data.sendMessage).toMatchObject({
          body: 'A reply',
          sender: { id: buyer.id },
          conversation: { id: conversationId },
        }),
    };
  }),

  MarkConversationRead: operation(MarkConversationReadDocument, async (world) => {
    const { buyer, conversationId } = await chatPair(world);
    return {
      client: buyer.client,
      variables: { conversationId },
      check: (data) =>
        expect(data.markConversationRead).toMatchObject({
          id: conversationId,
          unreadCount: 0,
          lastMessage: { readAt: expect.any(String) },
        }),
    };
  }),

  MessageAdded: subscription(MessageAddedDocument, async (world) => {
    const { seller, buyer, conversationId } = await chatPair(world);
    return {
      token: await world.token(buyer),
      variables: { conversationId },
      live: () => world.chat().waitForOnline(buyer.id, true),
      trigger: sendAs(seller, conversationId, 'live'),
      check: (data) =>
        expect(data.messageAdded).toMatchObject({
          body: 'live',
          conversation: { id: conversationId },
          sender: { id: seller.id, sellerProfile: { fullName: `Seller ${seller.username}` } },
        }),
    };
  }),

  ConversationUpdated: subscription(ConversationUpdatedDocument, async (world) => {
    const { seller, buyer, conversationId } = await chatPair(world);
    return {
      token: await world.token(buyer),
      variables: {},
      live: () => world.chat().waitForOnline(buyer.id, true),
      trigger: sendAs(seller, conversationId, 'an update'),
      check: (data) =>
        expect(data.conversationUpdated).toMatchObject({
          id: conversationId,
          unreadCount: 2,
          lastMessage: { body: 'an update' },
        }),
    };
  }),
};
