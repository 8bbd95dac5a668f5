// The four subgraphs of the workload (accounts, inventory, products, reviews) as Federation 2
// schemas over the static data. Our own code: @apollo/subgraph's buildSubgraphSchema.
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { GraphQLSchema } from 'graphql';
import { parse } from 'graphql';
import { products, reviews, users, type Product, type Review } from './workload-data.js';

const link =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires", "@provides", "@shareable"])';

export interface WorkloadSubgraph {
  name: 'accounts' | 'inventory' | 'products' | 'reviews';
  typeDefs: string;
  schema: GraphQLSchema;
}

const byId = new Map(users.map((user) => [user.id, user]));
const byUpc = new Map(products.map((product) => [product.upc, product]));

function subgraph(
  name: WorkloadSubgraph['name'],
  typeDefs: string,
  resolvers: GraphQLResolverMap<unknown>,
): WorkloadSubgraph {
  const sdl = `${link}\n${typeDefs}`;
  return { name, typeDefs: sdl, schema: buildSubgraphSchema({ typeDefs: parse(sdl), resolvers }) };
}

export const workloadSubgraphs: WorkloadSubgraph[] = [
  subgraph(
    'accounts',
    `type Query { me: User  user(id: ID!): User  users: [User] }
     type User @key(fields: "id") { id: ID!  name: String  username: String @shareable  birthday: Int }`,
    {
      Query: {
        me: () => users[0],
        user: (_: unknown, { id }: { id: string }) => byId.get(id) ?? null,
        users: () => users,
      },
      User: { __resolveReference: ({ id }: { id: string }) => byId.get(id) ?? null },
    },
  ),
  subgraph(
    'inventory',
    `type Product @key(fields: "upc") {
       upc: String!  weight: Int @external  price: Int @external  inStock: Boolean
       shippingEstimate: Int @requires(fields: "price weight")
     }`,
    {
      Product: {
        __resolveReference: (ref: { upc: string; price?: number; weight?: number }) => ({
          ...ref,
          inStock: byUpc.get(ref.upc)?.inStock ?? false,
        }),
        // free above 1000, otherwise half the weight
        shippingEstimate: (p: { price?: number; weight?: number }) =>
          (p.price ?? 0) > 1000 ? 0 : Math.round((p.weight ?? 0) * 0.5),
      },
    },
  ),
  subgraph(
    'products',
    `type Query { topProducts(first: Int = 5): [Product] }
     type Product @key(fields: "upc") { upc: String!  name: String  price: Int  weight: Int }`,
    {
      Query: {
        topProducts: (_: unknown, { first }: { first: number }) => products.slice(0, first),
      },
      Product: { __resolveReference: ({ upc }: { upc: string }) => byUpc.get(upc) ?? null },
    },
  ),
  subgraph(
    'reviews',
    `type Review @key(fields: "id") { id: ID!  body: String  author: User @provides(fields: "username")  product: Product }
     type User @key(fields: "id") { id: ID!  username: String @external  reviews: [Review] }
     type Product @key(fields: "upc") { upc: String!  reviews: [Review] }`,
    {
      Review: {
        author: (review: Review) => ({
          id: review.authorId,
          username: byId.get(review.authorId)?.username,
        }),
        product: (review: Review) => ({ upc: review.productUpc }),
      },
      User: {
        reviews: ({ id }: { id: string }) => reviews.filter((review) => review.authorId === id),
      },
      Product: {
        reviews: ({ upc }: Pick<Product, 'upc'>) =>
          reviews.filter((review) => review.productUpc === upc),
      },
    },
  ),
];
