import { DateTimeScalar } from '@jobber/service-kit';
import type { Resolvers } from '../generated/graphql.js';
import { Mutation } from './mutation.js';
import { Query } from './query.js';
import { User } from './user.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  User,
  // The session's user is the caller, who signed in with this very request.
  AuthSession: { user: (session) => ({ ...session.user, ownerView: true }) },
  SignInResult: {
    __resolveType: (result) => ('challengeId' in result ? 'SignInChallenge' : 'AuthSession'),
  },
};
