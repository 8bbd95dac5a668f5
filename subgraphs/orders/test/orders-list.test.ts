import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INTERNAL_CREDENTIAL_HEADER,
  anonymousClient,
  createInternalCredentialSigner,
} from '@jobber/service-kit';
import { OrdersKit, type TestUser } from './orders-kit.js';

// `User.orders` as the gateway asks orders for it (an entity fetch with the viewer's
// credential): the viewer's own only, pages, the status filter, and a fixed number of SQL
// statements for 10 and for 50 orders with every part of an order.

let kit: OrdersKit;
beforeAll(async () => {
  kit = await OrdersKit.start();
});
afterAll(async () => {
  await kit?.stop();
});

const LIST = `query ($reps: [_Any!]!, $role: OrderRole!, $status: OrderStatus, $first: Int, $after: String) {
  _entities(representations: $reps) { ... on User { orders(role: $role, status: $status, first: $first, after: $after) {
    edges { cursor node { id status gig { id } buyer { id } seller { id }
      deliveries { id } revisionRequests { id } extensionRequests { id }
      cancellationRequests { id } timeline { what actor { id } } payment { status } } }
    pageInfo { hasNextPage endCursor } } } }
}`;

interface ListAnswer {
  data?: {
    _entities: ({
      orders: {
        edges: { cursor: string; node: { id: string; status: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      } | null;
    } | null)[];
  };
  errors?: { extensions?: { code?: string } }[];
}

async function list(
  viewer: TestUser | null,
  userId: string,
  vars: Record<string, unknown>,
): Promise<ListAnswer> {
  const signer = createInternalCredentialSigner({
    privateKeyPem: kit.supergraph.keys.internal.privateKeyPem,
    ttlSeconds: 60,
  });
  const credential = await signer.sign('orders', {
    viewer: viewer ? { id: viewer.id, roles: ['USER'] } : null,
    client: anonymousClient,
    requestId: randomUUID(),
  });
  const service = kit.supergraph.subgraphs.orders;
  if (!service) throw new Error('orders is not running');
  const response = await fetch(service.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [INTERNAL_CREDENTIAL_HEADER]: credential },
    body: JSON.stringify({
      query: LIST,
      variables: { reps: [{ __typename: 'User', id: userId }], ...vars },
    }),
  });
  return (await response.json()) as ListAnswer;
}

describe('User.orders', () => {
  let parties: Awaited<ReturnType<OrdersKit['sellerAndBuyer']>>;
  beforeAll(async () => {
    parties = await kit.sellerAndBuyer();
    for (let i = 0; i < 10; i++) await kit.orderIn(i % 2 ? 'PLACED' : 'DELIVERED', parties);
  });

  it('is the viewer’s own only', async () => {
    const stranger = await kit.user();
    const answer = await list(stranger, parties.buyer.id, { role: 'BUYER' });
    expect(answer.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(answer.data?._entities[0]?.orders).toBeNull();
    const anonymous = await list(null, parties.buyer.id, { role: 'BUYER' });
    expect(anonymous.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('pages newest first, by role and status', async () => {
    const first = await list(parties.buyer, parties.buyer.id, { role: 'BUYER', first: 4 });
    const page = first.data?._entities[0]?.orders;
    expect(page?.edges).toHaveLength(4);
    expect(page?.pageInfo.hasNextPage).toBe(true);
    const rest = await list(parties.buyer, parties.buyer.id, {
      role: 'BUYER',
      first: 50,
      after: page?.pageInfo.endCursor,
    });
    const ids = [...(page?.edges ?? []), ...(rest.data?._entities[0]?.orders?.edges ?? [])].map(
      (edge) => edge.node.id,
    );
    expect(new Set(ids).size).toBe(10);
    const asSeller = await list(parties.seller, parties.seller.id, {
      role: 'SELLER',
      status: 'DELIVERED',
    });
    const delivered = asSeller.data?._entities[0]?.orders?.edges ?? [];
    expect(delivered).toHaveLength(5);
    expect(delivered.every((edge) => edge.node.status === 'DELIVERED')).toBe(true);
    const none = await list(parties.seller, parties.seller.id, { role: 'BUYER' });
    expect(none.data?._entities[0]?.orders?.edges).toEqual([]);
    const bad = await list(parties.buyer, parties.buyer.id, { role: 'BUYER', first: 101 });
    expect(bad.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('costs the same SQL statements for 10 and for 50 orders', async () => {
    kit.counter.reset();
    const ten = await list(parties.buyer, parties.buyer.id, { role: 'BUYER', first: 50 });
    expect(ten.data?._entities[0]?.orders?.edges).toHaveLength(10);
    const forTen = kit.counter.count;
    for (let i = 0; i < 40; i++) await kit.orderIn(i % 2 ? 'PLACED' : 'DELIVERED', parties);
    kit.counter.reset();
    const fifty = await list(parties.buyer, parties.buyer.id, { role: 'BUYER', first: 50 });
    expect(fifty.data?._entities[0]?.orders?.edges).toHaveLength(50);
    // One page query, then one per part: deliveries, revisions, extensions, cancellations,
    // timeline, payments.
    expect(kit.counter.count).toBe(forTen);
    expect(forTen).toBe(7);
  });
});
