import type { MutationResolvers } from '../generated/graphql.js';

/** Thin: each mutation hands its input and the caller to the profile rules. */
export const Mutation: MutationResolvers = {
  becomeSeller: (_parent, { input }, { profiles, ...caller }) =>
    profiles.becomeSeller(input, caller),
  updateSellerProfile: (_parent, { input }, { profiles, ...caller }) =>
    profiles.updateSellerProfile(input, caller),
};
