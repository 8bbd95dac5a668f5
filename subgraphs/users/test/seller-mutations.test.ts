// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, signAccessToken, type GraphQLClient } from '@jobber/test-kit';
import type { EventEnvelope } from '@jobber/events';
import {
  BECOME_SELLER,
  UPDATE_SELLER,
  UsersKit,
  failure,
  sellerInput,
  type SellerJson,
  type TestAccount,
} from './users-kit.js';

const SELLER_BY_USERNAME = `query ($username: String!) {
  seller(username: $username) { fullName oneliner skills responseTimeHours }
}`;

describe('becomeSeller and updateSellerProfile', () => {
  let kit: UsersKit;
  let published: EventEnvelope[];
  let ada: TestAccount;
  let grace: TestAccount;
  let adaSeller: SellerJson;

  beforeAll(async () => {
    kit = await UsersKit.start();
    published = await kit.observeSellerEvents();
    [ada, grace] = (await kit.register(2)) as [TestAccount, TestAccount];
  });
  afterAll(async () => {
    await kit?.stop();
  });

  async function outboxOf(type: string, userId: string) {
    return (await kit.outbox()).filter(
      (row) => row.type === type && (row.payload.data as { userId?: string }).userId === userId,
    );
  }

  describe('anonymous callers', () => {
    it.each([
      ['becomeSeller', BECOME_SELLER, sellerInput()],
      ['updateSellerProfile', UPDATE_SELLER, { fullName: 'Someone Else' }],
    ])('%s → UNAUTHENTICATED', async (_name, mutation, input) => {
      const response = await kit.client.request(mutation, { input });
      expect(failure(response).codes).toEqual(['UNAUTHENTICATED']);
      expect(response.data).toBeNull();
    });
  });

  describe('a signed-in user whose account users never heard of', () => {
    let stranger: GraphQLClient;
    beforeAll(async () => {
      stranger = kit.client.as({
        token: await signAccessToken(kit.supergraph.keys, { userId: randomUUID() }),
      });
    });

    it.each([
      ['becomeSeller', BECOME_SELLER, sellerInput()],
      ['updateSellerProfile', UPDATE_SELLER, { fullName: 'Someone Else' }],
    ])('%s → NOT_FOUND', async (_name, mutation, input) => {
      const response = await stranger.request(mutation, { input });
      expect(failure(response).codes).toEqual(['NOT_FOUND']);
      expect(response.errors[0]?.message).toBe('Account not found.');
    });
  });

  it('lets the owner become a seller, normalising the input', async () => {
    adaSeller = await kit.becomeSeller(
      ada,
      sellerInput({
        fullName: '  Ada Lovelace  ',
        skills: ['TypeScript', ' typescript ', 'GraphQL', 'TYPESCRIPT'],
      }),
    );
    expect(adaSeller).toMatchObject({
      fullName: 'Ada Lovelace',
      skills: ['TypeScript', 'GraphQL'],
      languages: [{ language: 'English', level: 'NATIVE' }],
      education: [{ country: 'GB', year: 2015 }],
      experience: [{ startDate: '2019-03', endDate: null }],
      socialLinks: ['https://example.com/ada'],
      responseTimeHours: 24,
      user: { id: ada.id },
      stats: {
        ratingsCount: 0,
        ratingAverage: null,
        ratingCounts: { one: 0, two: 0, three: 0, four: 0, five: 0 },
        ongoingJobs: 0,
        completedJobs: 0,
        cancelledJobs: 0,
        totalEarningsCents: 0,
        gigCount: 0,
      },
    });
    expect(adaSeller.createdAt).toBe(adaSeller.updatedAt);
  });

  it('records users.seller.created in the outbox, and the relay publishes it', async () => {
    const rows = await outboxOf('users.seller.created', ada.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.payload).toMatchObject({
      type: 'users.seller.created',
      producer: 'users',
      data: {
        userId: ada.id,
        username: ada.username,
        fullName: 'Ada Lovelace',
        oneliner: 'I write programs for engines',
        skills: ['TypeScript', 'GraphQL'],
        languages: [{ language: 'English', level: 'NATIVE' }],
        country: 'DE',
      },
    });
    const event = await eventually(
      () => published.find((envelope) => envelope.id === rows[0]?.payload.id),
      { what: 'the published users.seller.created' },
    );
    expect(event.data).toEqual(rows[0]?.payload.data);
  });

  it('refuses a second becomeSeller with CONFLICT and writes nothing', async () => {
    const response = await ada.client.request(BECOME_SELLER, {
      input: sellerInput({ fullName: 'Another Name' }),
    });
    expect(failure(response).codes).toEqual(['CONFLICT']);
    expect(await outboxOf('users.seller.created', ada.id)).toHaveLength(1);
    const { seller } = await kit.client.data<{ seller: { fullName: string } }>(SELLER_BY_USERNAME, {
      username: ada.username,
    });
    expect(seller.fullName).toBe('Ada Lovelace');
  });

  it('answers NOT_FOUND to an update by a buyer without a seller profile', async () => {
    // Retried only while grace's registration is on its way ("Account not found.").
    const response = await eventually(
      async () => {
        const attempt = await grace.client.request(UPDATE_SELLER, {
          input: { fullName: 'Grace Hopper' },
        });
        return attempt.errors[0]?.message === 'Account not found.' ? null : attempt;
      },
      { what: "grace's buyer profile" },
    );
    expect(failure(response).codes).toEqual(['NOT_FOUND']);
    expect(response.errors[0]?.message).toBe('Seller profile not found.');
    expect(await outboxOf('users.seller.updated', grace.id)).toHaveLength(0);
  });

  it('updates only the fields given, and records users.seller.updated', async () => {
    const { updateSellerProfile: updated } = await ada.client.data<{
      updateSellerProfile: SellerJson;
    }>(UPDATE_SELLER, {
      input: { oneliner: 'Poetical science, delivered', skills: ['Rust'], fullName: null },
    });
    expect(updated).toMatchObject({
      fullName: 'Ada Lovelace',
      oneliner: 'Poetical science, delivered',
      skills: ['Rust'],
      description: adaSeller.description,
      languages: adaSeller.languages,
      responseTimeHours: 24,
      createdAt: adaSeller.createdAt,
    });
    expect(updated.updatedAt > adaSeller.updatedAt).toBe(true);

    const rows = await outboxOf('users.seller.updated', ada.id);
    expect(rows.map((row) => row.payload.data)).toEqual([
      {
        userId: ada.id,
        username: ada.username,
        fullName: 'Ada Lovelace',
        oneliner: 'Poetical science, delivered',
        skills: ['Rust'],
        languages: [{ language: 'English', level: 'NATIVE' }],
        country: 'DE',
      },
    ]);
    await eventually(() => published.some((event) => event.id === rows[0]?.payload.id), {
      what: 'the published users.seller.updated',
    });
  });

  it("changes only the caller's own profile", async () => {
    await kit.becomeSeller(grace, sellerInput({ fullName: 'Grace Hopper' }));
    await grace.client.data(UPDATE_SELLER, {
      input: { fullName: 'Rear Admiral Hopper', responseTimeHours: 2 },
    });

    const read = (username: string) =>
      kit.client.data<{ seller: { fullName: string; responseTimeHours: number } }>(
        SELLER_BY_USERNAME,
        { username },
      );
    expect((await read(grace.username)).seller).toMatchObject({
      fullName: 'Rear Admiral Hopper',
      responseTimeHours: 2,
    });
    expect((await read(ada.username)).seller).toMatchObject({
      fullName: 'Ada Lovelace',
      responseTimeHours: 24,
    });
  });

  describe('bad input names the field and writes nothing', () => {
    const year = new Date().getUTCFullYear();
    const cases: [string, string, Record<string, unknown>][] = [
      ['full name', 'fullName', { fullName: 'A' }],
      ['one-liner', 'oneliner', { oneliner: 'Hi' }],
      ['description', 'description', { description: 'Too short.' }],
      ['skill count', 'skills', { skills: [] }],
      ['a skill', 'skills.2', { skills: ['Go', 'Rust', 'x'.repeat(41)] }],
      ['language count', 'languages', { languages: [] }],
      ['a language', 'languages.0.language', { languages: [{ language: '  ', level: 'FLUENT' }] }],
      [
        'experience dates',
        'experience.0.endDate',
        {
          experience: [
            {
              company: 'Acme',
              title: 'Dev',
              startDate: '2022-05',
              endDate: '2021-01',
              description: '',
            },
          ],
        },
      ],
      [
        'education year',
        'education.0.year',
        {
          education: [{ school: 'S', degree: 'D', major: 'M', country: 'DE', year: year + 2 }],
        },
      ],
      [
        'certificate year',
        'certificates.0.year',
        { certificates: [{ name: 'C', issuer: 'I', year: 1949 }] },
      ],
      ['social links', 'socialLinks.0', { socialLinks: ['javascript:alert(1)'] }],
      ['response time', 'responseTimeHours', { responseTimeHours: 721 }],
    ];

    it.each(cases)('becomeSeller: %s → %s', async (_rule, field, overrides) => {
      const before = (await kit.outbox()).length;
      const response = await grace.client.request(BECOME_SELLER, {
        input: sellerInput(overrides),
      });
      expect(failure(response)).toEqual({ codes: ['BAD_USER_INPUT'], field });
      expect((await kit.outbox()).length).toBe(before);
    });

    it.each(cases)('updateSellerProfile: %s → %s', async (_rule, field, input) => {
      const before = await kit.outbox();
      const response = await ada.client.request(UPDATE_SELLER, { input });
      expect(failure(response)).toEqual({ codes: ['BAD_USER_INPUT'], field });
      expect(await kit.outbox()).toEqual(before);
    });

    it('names the first bad field when several are bad', async () => {
      const response = await ada.client.request(UPDATE_SELLER, {
        input: { oneliner: 'no', skills: [''], responseTimeHours: 0 },
      });
      expect(failure(response).field).toBe('oneliner');
    });
  });
});
