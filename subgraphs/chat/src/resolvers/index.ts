import { DateTimeScalar } from '@jobber/service-kit';
import type { Resolvers } from '../generated/graphql.js';
import { Conversation } from './conversation.js';
import { Message, Offer } from './message.js';
import { Mutation } from './mutation.js';
import { Query } from './query.js';
import { Subscription } from './subscription.js';
import { PresenceEvent, TypingEvent, User } from './user.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Subscription,
  Conversation,
  Message,
  Offer,
  User,
  TypingEvent,
  PresenceEvent,
};
