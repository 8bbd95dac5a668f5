import { DateTimeScalar } from '@jobber/service-kit';
import type { Resolvers } from '../generated/graphql.js';
import { Mutation } from './mutation.js';
import { Order, TimelineEntry } from './order.js';
import { Query } from './query.js';
import { User } from './user.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Order,
  TimelineEntry,
  User,
};
