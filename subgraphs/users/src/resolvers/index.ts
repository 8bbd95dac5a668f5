import { DateTimeScalar } from '@jobber/service-kit';
import type { Resolvers } from '../generated/graphql.js';
import { SafeIntScalar } from '../scalars.js';
import { Mutation } from './mutation.js';
import { Query } from './query.js';
import { SellerProfile } from './seller-profile.js';
import { User } from './user.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  SafeInt: SafeIntScalar,
  Query,
  Mutation,
  User,
  SellerProfile,
};
