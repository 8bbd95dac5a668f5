import type { MutationResolvers } from '../generated/graphql.js';

/** Thin: each mutation hands its input and the caller to the account rules. */
export const Mutation: MutationResolvers = {
  signUp: (_parent, { input }, { accounts }) => accounts.signUp(input),
  completeSignUp: (_parent, { input }, { accounts, ...caller }) =>
    accounts.completeSignUp(input, caller),
  resendSignUpConfirmation: (_parent, { email }, { accounts }) =>
    accounts.resendSignUpConfirmation(email),
  signIn: (_parent, { input }, { accounts, ...caller }) => accounts.signIn(input, caller),
  verifySignInCode: (_parent, { input }, { accounts, ...caller }) =>
    accounts.verifySignInCode(input.challengeId, input.code, caller),
  refreshSession: (_parent, { refreshToken }, { accounts }) =>
    accounts.refreshSession(refreshToken),
  signOut: (_parent, { refreshToken }, { accounts, ...caller }) =>
    accounts.signOut(refreshToken, caller),
  signOutEverywhere: (_parent, _args, { accounts, ...caller }) =>
    accounts.signOutEverywhere(caller),
  requestPasswordReset: (_parent, { email }, { accounts }) => accounts.requestPasswordReset(email),
  resetPassword: (_parent, { input }, { accounts, ...caller }) =>
    accounts.resetPassword(input, caller),
  changePassword: (_parent, { input }, { accounts, ...caller }) =>
    accounts.changePassword(input, caller),
};
