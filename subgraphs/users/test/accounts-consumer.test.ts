// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsersKit, registration, type BuyerJson } from './users-kit.js';

describe('users.accounts: auth.user.registered → buyer profile', () => {
  let kit: UsersKit;

  beforeAll(async () => {
    kit = await UsersKit.start();
  });
  afterAll(async () => {
    await kit?.stop();
  });

  it('creates the buyer profile with the registered country and picture', async () => {
    const account = await kit.registerOne({
      country: 'FR',
      avatarUrl: 'https://cdn.example.com/f.png',
    });
    const profile = await kit.waitForBuyer(account);
    expect(profile).toEqual({
      country: 'FR',
      avatarUrl: 'https://cdn.example.com/f.png',
      purchasedGigsCount: 0,
      createdAt: account.registeredAt,
    });

    // Through the gateway too, once the account is a seller (the username is known here).
    await kit.becomeSeller(account);
    const { seller } = await kit.client.data<{
      seller: { user: { id: string; buyerProfile: BuyerJson } };
    }>(
      `query ($username: String!) {
        seller(username: $username) { user { id buyerProfile { country avatarUrl purchasedGigsCount createdAt } } }
      }`,
      { username: account.username },
    );
    expect(seller.user).toEqual({ id: account.id, buyerProfile: profile });
  });

  it('keeps a picture-less account without an avatar', async () => {
    const account = await kit.registerOne({ avatarUrl: null });
    const profile = await kit.waitForBuyer(account);
    expect(profile?.avatarUrl).toBeNull();
  });

  it('answers null for an account it has not heard of', async () => {
    expect(await kit.buyerProfile(randomUUID())).toBeNull();
  });

  // Last in this file: it stops the users service to wait for every delivery in flight.
  it('applies an event delivered twice only once (inbox)', async () => {
    const account = {
      id: randomUUID(),
      username: `user_${randomUUID().slice(0, 8)}`,
      country: 'IT',
      avatarUrl: null,
      registeredAt: new Date().toISOString(),
    };
    const event = registration(account);
    // The same event id again, once unchanged and once carrying another account: a consumer
    // without its inbox would create that second profile.
    const otherId = randomUUID();
    const replay = {
      ...event,
      data: { ...event.data, userId: otherId, username: `other_${otherId.slice(0, 8)}` },
    };
    const marker = {
      ...account,
      id: randomUUID(),
      username: `marker_${randomUUID().slice(0, 8)}`,
    };
    await kit.publisher.publish([event, event, replay, registration(marker)]);

    await kit.waitForBuyer(marker);
    // One queue delivers in order: the copies reached the consumer before the marker. Stopping
    // the service waits for the handlers still running.
    await kit.supergraph.subgraphs.users?.stop();

    const buyers = await kit.db.query<{ id: string }>(
      'SELECT id FROM buyers WHERE id = ANY($1::uuid[])',
      [[account.id, otherId]],
    );
    expect(buyers.rows.map((row) => row.id)).toEqual([account.id]);
    const inbox = await kit.db.query<{ consumer: string; type: string }>(
      'SELECT consumer, type FROM inbox_events WHERE event_id = $1',
      [event.id],
    );
    expect(inbox.rows).toEqual([{ consumer: 'users.accounts', type: 'auth.user.registered' }]);
  });
});
