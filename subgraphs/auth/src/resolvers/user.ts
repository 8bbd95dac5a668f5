import type { Role, UserResolvers } from '../generated/graphql.js';
import type { UserRecord } from '../accounts.js';
import { userById, type AuthContext } from '../context.js';

/** The account's own fields are for its owner only (the session's user, or the viewer). */
const isOwner = (user: UserRecord, context: AuthContext) =>
  user.ownerView || context.viewer?.id === user.id;

export const User: UserResolvers = {
  __resolveReference: (reference, context) => context.loaders.get(userById).load(reference.id),
  // Null for everyone else: the field stays, so a page listing other users keeps working.
  email: (user, _args, context) => (isOwner(user, context) ? user.email : null),
  emailVerified: (user, _args, context) =>
    isOwner(user, context) ? user.emailVerifiedAt !== null : null,
  roles: (user, _args, context) =>
    isOwner(user, context)
      ? user.roles.filter((role): role is Role => role === 'USER' || role === 'ADMIN')
      : null,
  createdAt: (user, _args, context) => (isOwner(user, context) ? user.createdAt : null),
};
