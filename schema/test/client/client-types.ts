// Compile-time checks of the generated client (generated/client/, from api.graphql and
// operations/): `npm run typecheck` compiles this file; nothing runs it. Each @ts-expect-error
// must meet an error, so types that went loose (`any`, optional everything) fail the typecheck.
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import {
  SellersDocument,
  SignInDocument,
  ViewerDocument,
  type LanguageLevel,
  type SellerProfileUpdateInput,
} from '../../generated/client/graphql.js';

declare const signIn: ResultOf<typeof SignInDocument>['signIn'];
declare const viewer: ResultOf<typeof ViewerDocument>['viewer'];

// A union is told apart by __typename, as every client has to.
export function accessTokenOf(): string | null {
  if (signIn.__typename === 'AuthSession') return signIn.accessToken;
  // @ts-expect-error a SignInChallenge has no access token
  return signIn.accessToken;
}

export function ownerOnlyFields(): string {
  // @ts-expect-error viewer is null for an anonymous caller
  const _username: string = viewer.username;
  // @ts-expect-error email is null for everyone but the owner
  const _email: string = viewer?.email;
  // DateTime arrives as an ISO string.
  const _createdAt: string | null | undefined = viewer?.createdAt;
  return viewer?.username ?? 'anonymous';
}

// Variables: required ones are required, optional ones may be left out.
export const _signIn: VariablesOf<typeof SignInDocument> = {
  input: { emailOrUsername: 'ada', password: 'a sufficiently long passphrase' },
};
// @ts-expect-error the password is required
export const _noPassword: VariablesOf<typeof SignInDocument> = { input: { emailOrUsername: 'a' } };
export const _firstPage: VariablesOf<typeof SellersDocument> = {};
// @ts-expect-error `first` is a number
export const _badFirst: VariablesOf<typeof SellersDocument> = { first: '20' };

// Enums are string unions.
export const _fluent: LanguageLevel = 'FLUENT';
// @ts-expect-error not a LanguageLevel
export const _expert: LanguageLevel = 'EXPERT';
export const _update: SellerProfileUpdateInput = { oneliner: 'Only this changes' };
