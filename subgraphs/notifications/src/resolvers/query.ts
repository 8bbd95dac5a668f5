import type { QueryResolvers } from '../generated/graphql.js';

export const Query: QueryResolvers = {
  notifications: (_parent, args, { feed, ...caller }) => feed.page(args, caller),
  unreadNotificationCount: (_parent, _args, { feed, ...caller }) => feed.unreadCount(caller),
  notificationPreferences: (_parent, _args, { preferences, ...caller }) => preferences.of(caller),
  devMailbox: (_parent, { to }, { feed }) => feed.devMailbox(to),
};
