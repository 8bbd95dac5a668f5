import { expect } from 'vitest';
import { MEMBER_PASSWORD, uniqueTag, type RequestOptions } from '@jobber/test-kit';
import * as documents from '../../generated/client/graphql.js';
import { executeData } from './execute.js';
import { operation, type OperationFixture } from './operation-fixture.js';
import { chatFixtures } from './chat-fixtures.js';
import { ordersFixtures } from './orders-fixtures.js';
import { reviewsFixtures } from './reviews-fixtures.js';
import { notificationsFixtures } from './notifications-fixtures.js';
import { signUpFixtures } from './sign-up-fixtures.js';

/** Every generated `<Operation>Document`, by operation name. */
type OperationName = {
  [K in keyof typeof documents]: K extends `${infer Name}Document` ? Name : never;
}[keyof typeof documents];

const NEW_PASSWORD = 'a different long passphrase';
const device = (id: string): RequestOptions => ({ headers: { 'x-device-id': id } });

/**
 * Every operation of schema/operations/ with the variables a client would send. The type makes
 * a new operation without a fixture a compile error; the smoke test runs them all in order.
 */
export const operationFixtures = {
  CreateGig: operation(documents.CreateGigDocument, async (world) => {
    const seller = await world.gigSeller();
    return {
      client: seller.client,
      variables: {
        input: {
          title: 'I will design a minimalist logo',
          description: 'Clean vector logos with unlimited revisions and all source files.',
          category: 'graphics-design',
          subCategory: 'logo-design',
          tags: ['logo', 'branding'],
          priceCents: 5_000,
          deliveryDays: 3,
        },
      },
      check: (data) =>
        expect(data.createGig).toMatchObject({
          active: true,
          price: { amountCents: 5_000, currency: 'USD' },
          seller: { id: seller.id, username: seller.username },
        }),
    };
  }),

  SearchGigs: operation(documents.SearchGigsDocument, async (world) => {
    const title = `Smoke search gig ${uniqueTag()}`;
    const { id } = await world.publishedGig(title);
    return {
      variables: {
        query: title,
        category: 'graphics-design',
        sort: 'RELEVANCE' as const,
        first: 5,
      },
      check: (data) => {
        expect(data.searchGigs.edges[0]?.node.id).toBe(id);
        expect(data.searchGigs.facets[0]?.category).toBe('graphics-design');
      },
    };
  }),

  GigPage: operation(documents.GigPageDocument, async (world) => {
    const { id, seller } = await world.publishedGig(`Smoke gig page ${uniqueTag()}`);
    return {
      variables: { id },
      check: (data) =>
        expect(data.gig).toMatchObject({ id, seller: { username: seller.username } }),
    };
  }),

  Viewer: operation(documents.ViewerDocument, async (world) => {
    const member = await world.member();
    return {
      client: member.client,
      variables: {},
      check: (data) =>
        expect(data.viewer).toMatchObject({
          id: member.id,
          username: member.username,
          email: member.email,
          buyerProfile: { country: 'NG' },
          sellerProfile: null,
        }),
    };
  }),

  SignIn: operation(documents.SignInDocument, async (world) => {
    const member = await world.member();
    return {
      variables: {
        input: {
          emailOrUsername: member.email,
          password: MEMBER_PASSWORD,
          deviceSecret: member.deviceSecret,
        },
      },
      check: (data) => expect(data.signIn.__typename).toBe('AuthSession'),
    };
  }),

  VerifySignInCode: operation(documents.VerifySignInCodeDocument, async (world) => {
    const member = await world.member();
    const phone = device(`smoke-phone-${uniqueTag()}`);
    const started = await executeData(
      world.client,
      documents.SignInDocument,
      { input: { emailOrUsername: member.username, password: MEMBER_PASSWORD } },
      phone,
    );
    if (started.signIn.__typename !== 'SignInChallenge') {
      throw new Error(`a new device got ${started.signIn.__typename}, not a SignInChallenge`);
    }
    const code = await world.emailed(member.id, {
      type: 'auth.sign_in.code_requested',
      field: 'code',
    });
    return {
      variables: { input: { challengeId: started.signIn.challengeId, code } },
      options: phone,
      check: (data) => {
        expect(data.verifySignInCode.user.id).toBe(member.id);
        expect(data.verifySignInCode.deviceSecret).toEqual(expect.any(String));
      },
    };
  }),

  RefreshSession: operation(documents.RefreshSessionDocument, async (world) => {
    const session = await world.session(await world.member());
    return {
      variables: { refreshToken: session.refreshToken },
      check: (data) => expect(data.refreshSession.refreshToken).not.toBe(session.refreshToken),
    };
  }),

  SignOut: operation(documents.SignOutDocument, async (world) => {
    const session = await world.session(await world.member());
    return {
      client: world.client.as({ token: session.accessToken }),
      variables: { refreshToken: session.refreshToken },
      check: (data) => expect(data.signOut).toBe(true),
    };
  }),

  SignOutEverywhere: operation(documents.SignOutEverywhereDocument, async (world) => {
    const member = await world.member();
    return {
      client: member.client,
      variables: {},
      check: (data) => expect(data.signOutEverywhere).toBe(true),
    };
  }),

  RequestPasswordReset: operation(documents.RequestPasswordResetDocument, async (world) => {
    const member = await world.member();
    return {
      variables: { email: member.email },
      check: (data) => expect(data.requestPasswordReset).toBe(true),
    };
  }),

  ResetPassword: operation(documents.ResetPasswordDocument, async (world) => {
    const member = await world.member();
    await executeData(world.client, documents.RequestPasswordResetDocument, {
      email: member.email,
    });
    const token = await world.emailed(member.id, {
      type: 'auth.password.reset_requested',
      field: 'token',
    });
    return {
      variables: { input: { token, newPassword: NEW_PASSWORD } },
      check: (data) => expect(data.resetPassword).toBe(true),
    };
  }),

  ChangePassword: operation(documents.ChangePasswordDocument, async (world) => {
    const member = await world.member();
    return {
      client: member.client,
      variables: { input: { currentPassword: MEMBER_PASSWORD, newPassword: NEW_PASSWORD } },
      check: (data) => expect(data.changePassword.user.id).toBe(member.id),
    };
  }),

  BecomeSeller: operation(documents.BecomeSellerDocument, async (world) => {
    const member = await world.member();
    const input: documents.SellerProfileInput = {
      fullName: 'Ada Smoke',
      oneliner: 'Logos, websites and apps',
      description: 'I design and build things people like to use, quickly and carefully.',
      skills: ['design', 'typescript'],
      languages: [{ language: 'English', level: 'FLUENT' }],
      experience: [
        {
          company: 'Studio',
          title: 'Designer',
          startDate: '2021-04',
          endDate: null,
          description: 'Brand identities for small shops.',
        },
      ],
      education: [
        { school: 'University', degree: 'BSc', major: 'Design', country: 'NG', year: 2020 },
      ],
      certificates: [{ name: 'UX', issuer: 'Institute', year: 2022 }],
      socialLinks: ['https://example.com/ada'],
      responseTimeHours: 12,
    };
    return {
      client: member.client,
      variables: { input },
      check: (data) =>
        expect(data.becomeSeller).toMatchObject({
          fullName: 'Ada Smoke',
          user: { id: member.id, username: member.username },
          stats: { gigCount: 0, ratingsCount: 0 },
        }),
    };
  }),

  UpdateSellerProfile: operation(documents.UpdateSellerProfileDocument, async (world) => {
    const seller = await world.seller();
    return {
      client: seller.client,
      variables: { input: { oneliner: 'Now mobile apps too', responseTimeHours: 4 } },
      check: (data) =>
        expect(data.updateSellerProfile).toMatchObject({
          oneliner: 'Now mobile apps too',
          responseTimeHours: 4,
        }),
    };
  }),

  SellerPage: operation(documents.SellerPageDocument, async (world) => {
    const seller = await world.seller();
    return {
      variables: { username: seller.username },
      check: (data) =>
        expect(data.seller).toMatchObject({
          fullName: `Seller ${seller.username}`,
          user: { id: seller.id, username: seller.username, buyerProfile: { country: 'NG' } },
        }),
    };
  }),

  Sellers: operation(documents.SellersDocument, async (world) => {
    const skill = `smoke-${uniqueTag()}`;
    const seller = await world.seller([skill]);
    return {
      variables: { first: 5, skill },
      check: (data) => {
        expect(data.sellers?.edges.map((edge) => edge.node.user?.username)).toEqual([
          seller.username,
        ]);
        expect(data.sellers?.pageInfo.hasNextPage).toBe(false);
      },
    };
  }),

  ...signUpFixtures,
  ...chatFixtures,
  ...ordersFixtures,
  ...reviewsFixtures,
  ...notificationsFixtures,
} satisfies Record<OperationName, OperationFixture>;
