import type { QueryResolvers } from '../generated/graphql.js';
import { userById } from '../context.js';

export const Query: QueryResolvers = {
  viewer: (_parent, _args, context) =>
    context.viewer ? context.loaders.get(userById).load(context.viewer.id) : null,
  _revokedSessions: (_parent, { since }, { accounts, ...caller }) =>
    accounts.revokedSessionsSince(since, caller),
};
