import type { Role, UserResolvers } from '../generated/graphql.js';
import { userById } from '../context.js';

export const User: UserResolvers = {
  __resolveReference: (reference, context) => context.loaders.get(userById).load(reference.id),
  // Only the account's owner sees its email address.
  email: (user, _args, context) =>
    user.ownerView || context.viewer?.id === user.id ? user.email : null,
  emailVerified: (user) => user.emailVerifiedAt !== null,
  roles: (user) => user.roles.filter((role): role is Role => role === 'USER' || role === 'ADMIN'),
};
