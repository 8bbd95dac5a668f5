// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@jobber/test-kit';
import { UsersKit, registration } from './users-kit.js';

/** The value of the first sample of `name` whose labels include `labels`, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}) {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const own = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => own[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe('event metrics on the admin /metrics of a subgraph started through the kit', () => {
  let kit: UsersKit;
  const scrape = async () => {
    const users = kit.supergraph.subgraphs.users;
    if (!users) throw new Error('users is not running');
    const response = await fetch(`${users.adminUrl}/metrics`);
    expect(response.status).toBe(200);
    return response.text();
  };
  /** Scrapes until `probe` finds what it looks for in the text. */
  const scrapeUntil = (what: string, probe: (text: string) => boolean) =>
    eventually(
      async () => {
        const text = await scrape();
        return probe(text) ? text : null;
      },
      { what },
    );
  const consumed = (text: string, outcome: string) =>
    sample(text, 'events_consumed_total', { consumer: 'users.accounts', outcome });

  beforeAll(async () => {
    kit = await UsersKit.start();
  });
  afterAll(async () => {
    await kit?.stop();
  });

  it('shows the outbox, published events and a consumed event', async () => {
    const account = await kit.registerOne();
    await kit.waitForBuyer(account);
    // A seller profile is published through the outbox and the relay.
    await kit.becomeSeller(account);

    const text = await scrapeUntil(
      'a handled delivery and a published event',
      (body) => consumed(body, 'handled') === 1 && sample(body, 'events_published_total') === 1,
    );
    expect(sample(text, 'events_consumed_total', { service: 'users' })).toBeDefined();
    expect(consumed(text, 'dead_lettered')).toBeUndefined();
    expect(sample(text, 'events_parked_total')).toBe(0);
    // Sampled by the relay (at its start, then every 15 s): at most the seller event, never parked.
    expect(sample(text, 'events_outbox_unsent')).toBeLessThanOrEqual(1);
    expect(sample(text, 'events_outbox_oldest_unsent_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'events_outbox_parked')).toBe(0);
    expect(sample(text, 'events_dead_letter_depth', { queue: 'users.accounts' })).toBe(0);
  });

  it('counts an invalid message as dead-lettered and shows it in the dead-letter depth', async () => {
    const event = registration({
      id: randomUUID(),
      username: `user_${randomUUID().slice(0, 8)}`,
      country: 'DE',
      avatarUrl: null,
      registeredAt: new Date().toISOString(),
    });
    // Breaks auth.user.registered's contract: the consumer dead-letters it at once.
    await kit.publisher.publish([{ ...event, data: { ...event.data, email: 'not an email' } }]);

    const text = await scrapeUntil(
      'the dead-lettered delivery',
      (body) =>
        consumed(body, 'dead_lettered') === 1 &&
        sample(body, 'events_dead_letter_depth', { queue: 'users.accounts' }) === 1,
    );
    expect(consumed(text, 'handled')).toBe(1);
    expect(consumed(text, 'failed')).toBeUndefined();
  });
});
