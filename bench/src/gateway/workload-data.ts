// Static data of the federation workload (The Guild's graphql-gateways-benchmark, written here
// from its public description): users, products and the reviews joining them. Sizes are chosen
// so that TestQuery answers about 87.6 KB, as there.

export interface User {
  id: string;
  name: string;
  username: string;
  birthday: number;
}
export interface Product {
  upc: string;
  name: string;
  price: number;
  weight: number;
  inStock: boolean;
}
export interface Review {
  id: string;
  body: string;
  authorId: string;
  productUpc: string;
}

export const USER_COUNT = 7;
export const PRODUCT_COUNT = 10;
export const REVIEWS_PER_USER = 4;

export const users: User[] = Array.from({ length: USER_COUNT }, (_, i) => ({
  id: String(i + 1),
  name: `User Number ${i + 1}`,
  username: `user_${i + 1}`,
  birthday: 1_000_000 + i * 86_400,
}));

export const products: Product[] = Array.from({ length: PRODUCT_COUNT }, (_, i) => ({
  upc: String(i + 1),
  name: `Product ${i + 1}`,
  price: 100 + ((i * 37) % 900),
  weight: 10 + ((i * 13) % 90),
  inStock: i % 3 !== 0,
}));

export const reviews: Review[] = users.flatMap((user, u) =>
  Array.from({ length: REVIEWS_PER_USER }, (_, r) => {
    const n = u * REVIEWS_PER_USER + r;
    return {
      id: String(n + 1),
      body: `Review ${n + 1} of product ${(n % PRODUCT_COUNT) + 1} by ${user.username}: as described, good.`,
      authorId: user.id,
      productUpc: String((n % PRODUCT_COUNT) + 1),
    };
  }),
);
