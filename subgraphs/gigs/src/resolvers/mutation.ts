import type { MutationResolvers } from '../generated/graphql.js';

/** Thin: each mutation hands its input and the caller to the gig rules. */
export const Mutation: MutationResolvers = {
  createGig: (_parent, { input }, { gigs, ...caller }) => gigs.createGig(input, caller),
  updateGig: (_parent, { id, input }, { gigs, ...caller }) => gigs.updateGig(id, input, caller),
  setGigActive: (_parent, { id, active }, { gigs, ...caller }) =>
    gigs.setGigActive(id, active, caller),
  deleteGig: (_parent, { id }, { gigs, ...caller }) => gigs.deleteGig(id, caller),
};
