import { DateTimeScalar } from '@jobber/service-kit';
import type { Resolvers } from '../generated/graphql.js';
import { categories } from '../categories.js';
import { Gig } from './gig.js';
import { Mutation } from './mutation.js';
import { Query } from './query.js';
import { User } from './user.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    ...Query,
    categories: () =>
      categories.map((category) => ({ ...category, subCategories: [...category.subCategories] })),
  },
  Mutation,
  User,
  Gig,
};
