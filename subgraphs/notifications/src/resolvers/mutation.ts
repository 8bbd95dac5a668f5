import type { MutationResolvers } from '../generated/graphql.js';

/** Thin: each mutation hands its input and the caller to the rules. */
export const Mutation: MutationResolvers = {
  updateNotificationPreferences: (_parent, args, { preferences, ...caller }) =>
    preferences.update(args.preferences, caller),
  markNotificationsRead: (_parent, args, { feed, ...caller }) => feed.markRead(args, caller),
};
