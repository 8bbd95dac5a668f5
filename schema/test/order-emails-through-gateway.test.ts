// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { parseGigsConfig, startGigsService } from '@jobber/gigs';
import { parseNotificationsConfig, startNotificationsService } from '@jobber/notifications';
import { parseOrdersConfig, startOrdersService } from '@jobber/orders';
import {
  TestSmtpServer,
  eventually,
  signUpMember,
  startTestSupergraph,
  waitForBuyerProfile,
  type Member,
  type ReceivedMail,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';
import { CREATE_GIG, gigInput, signUpSeller } from './gigs-helpers.js';

// An order's emails from the real orders subgraph (not published by hand): auth, users, gigs,
// orders and notifications joined by real events, mail to a real SMTP server started here.

const PUBLIC_URL = 'https://jobber.test';
let supergraph: TestSupergraph;
let smtp: TestSmtpServer;
let orders: pg.Pool;
let seller: Member;
let buyer: Member;
let gigId: string;

const ORDER = 'id number status totalCents';
const step = (name: string, args: string, vars: string) =>
  `mutation (${vars}) { ${name}(${args}) { ${ORDER} } }`;

beforeAll(async () => {
  smtp = await TestSmtpServer.start();
  supergraph = await startTestSupergraph({
    auth: (env) => startAuthService(parseAuthConfig(env)),
    users: (env) => startUsersService(parseUsersConfig(env)),
    gigs: (env) => startGigsService(parseGigsConfig(env)),
    orders: (env) => startOrdersService(parseOrdersConfig(env)),
    notifications: (env) =>
      startNotificationsService(
        parseNotificationsConfig({ ...env, SMTP_URL: smtp.url, PUBLIC_URL, MAIL_POLL_MS: '100' }),
      ),
  });
  const database = supergraph.databases.orders;
  if (!database) throw new Error('no orders database');
  orders = new pg.Pool({ connectionString: database.url, max: 2 });
  seller = await signUpSeller(supergraph);
  buyer = await signUpMember(supergraph.client);
  await waitForBuyerProfile(buyer);
  const { createGig } = await seller.client.data<{ createGig: { id: string } }>(CREATE_GIG, {
    input: gigInput({ priceCents: 9_000 }),
  });
  gigId = createGig.id;
  await eventually(
    async () =>
      ((await orders.query('SELECT 1 FROM gigs WHERE id = $1', [gigId])).rowCount ?? 0) > 0,
    { what: 'orders knows the gig', timeoutMs: 30_000 },
  );
}, 120_000);

afterAll(async () => {
  await orders?.end();
  await supergraph?.stop();
  await smtp?.stop();
});

describe('order emails through the gateway (real orders subgraph, real SMTP)', () => {
  it('place → pay → start → deliver → accept: the right emails to each side, once', async () => {
    const { placeOrder } = await buyer.client.data<{
      placeOrder: { order: { id: string; number: string; totalCents: number } };
    }>(
      `mutation ($gigId: ID!) { placeOrder(gigId: $gigId, requirements: "A fox") { order { ${ORDER} } } }`,
      { gigId },
    );
    const { id: orderId, number } = placeOrder.order;
    const run = (who: Member, mutation: string, vars: Record<string, unknown> = {}) =>
      who.client.data(mutation, { orderId, ...vars });
    await run(
      buyer,
      step(
        'confirmPayment',
        'orderId: $orderId, cardNumber: $card',
        '$orderId: ID!, $card: String!',
      ),
      { card: '4242424242424242' },
    );
    const ofOrder = (mail: ReceivedMail) => mail.subject.includes(number);
    const receipt = (await smtp.waitFor(buyer.email, { filter: ofOrder, timeoutMs: 30_000 }))[0];
    const total = `$${(placeOrder.order.totalCents / 100).toFixed(2)}`;
    for (const part of [receipt?.html ?? '', receipt?.text ?? '']) {
      for (const essential of [
        buyer.username,
        number,
        '$90.00',
        total,
        `Seller ${seller.username}`,
      ]) {
        expect(part).toContain(essential);
      }
      expect(part).toContain(`${PUBLIC_URL}/orders/${orderId}`);
    }
    await smtp.waitFor(seller.email, { filter: ofOrder });

    await run(seller, step('startOrder', 'orderId: $orderId', '$orderId: ID!'));
    await run(
      seller,
      step(
        'deliverOrder',
        'orderId: $orderId, message: $message',
        '$orderId: ID!, $message: String!',
      ),
      { message: 'Here is the fox' },
    );
    await run(buyer, step('acceptDelivery', 'orderId: $orderId', '$orderId: ID!'));

    const buyers = await smtp.waitFor(buyer.email, {
      filter: ofOrder,
      count: 4,
      timeoutMs: 30_000,
    });
    const sellers = await smtp.waitFor(seller.email, {
      filter: ofOrder,
      count: 2,
      timeoutMs: 30_000,
    });
    const sellerName = `Seller ${seller.username}`;
    expect(buyers.map((mail) => mail.subject).sort()).toEqual(
      [
        `Your order ${number} is placed`,
        `${sellerName} started work on order ${number}`,
        `Order ${number} was delivered`,
        `Order ${number} is complete`,
      ].sort(),
    );
    expect(sellers.map((mail) => mail.subject).sort()).toEqual(
      [`New order ${number} from ${buyer.username}`, `Order ${number} is complete`].sort(),
    );
    const delivered = buyers.find((mail) => mail.subject.endsWith('was delivered'));
    expect(delivered?.text).toContain('Here is the fox');
    // And in-app: the buyer's feed has the same steps.
    const { notifications } = await buyer.client.data<{
      notifications: { edges: { node: { kind: string } }[] };
    }>('{ notifications(first: 10) { edges { node { kind } } } }');
    expect(notifications.edges.map((edge) => edge.node.kind).sort()).toEqual(
      ['ORDER_COMPLETED', 'ORDER_DELIVERED', 'ORDER_PLACED', 'ORDER_STARTED'].sort(),
    );
  });
});
