import { DateTimeScalar } from '@jobber/service-kit';
import type { Resolvers } from '../generated/graphql.js';
import { Mutation } from './mutation.js';
import { Query } from './query.js';
import { Review } from './review.js';
import { Gig } from './gig.js';
import { User } from './user.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Review,
  Gig,
  User,
};
