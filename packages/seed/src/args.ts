import { parseArgs } from 'node:util';

export interface SeedOptions {
  /** Everything made follows from it: the same number makes the same marketplace. */
  seed: number;
  /** How many of each kind to make, by name (`buyers`, `sellers`; later `gigs`, …). */
  sizes: Sizes;
  /** Members signed up at once. */
  concurrency: number;
}

export interface Sizes {
  buyers: number;
  sellers: number;
  gigs: number;
  conversations: number;
  /** Orders in every state (some from the conversations' open offers); reviews follow them. */
  orders: number;
}

export const DEFAULT_OPTIONS: SeedOptions = {
  seed: 42,
  sizes: { buyers: 500, sellers: 200, gigs: 2000, conversations: 300, orders: 200 },
  concurrency: 16,
};

/**
 * Above this many gigs the seed refuses `--gigs`, before making anything: through the API (a
 * `createGig` each, as the seller) the search benchmark's 100,000 would take the best part of
 * an hour; `npm run bench:search` writes them through gigs' store (docs/2026-12-02-seed-data.md).
 */
export const MAX_API_GIGS = 20_000;

export const USAGE = `Usage: npm run seed -- [--seed 42] [--buyers 500] [--sellers 200] [--gigs 2000]
                       [--conversations 300] [--orders 200] [--concurrency 16]

Builds a marketplace through the gateway's API (GATEWAY_URL, default http://127.0.0.1:4000/graphql),
reading the sign-up emails from auth's outbox (AUTH_DATABASE_URL, default: npm start's database).`;

/** The command line's options; throws with the usage on anything it does not know. */
export function parseSeedArgs(argv: string[]): SeedOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string' },
      buyers: { type: 'string' },
      sellers: { type: 'string' },
      gigs: { type: 'string' },
      conversations: { type: 'string' },
      orders: { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const count = (name: string, value: string | undefined, fallback: number, min = 0) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) {
      throw new Error(`--${name} must be a whole number of at least ${min}, not "${value}"`);
    }
    return n;
  };
  const gigs = count('gigs', values.gigs, DEFAULT_OPTIONS.sizes.gigs);
  if (gigs > MAX_API_GIGS) {
    throw new Error(
      `--gigs ${gigs} is more than the seed makes through the API (at most ` +
        `${MAX_API_GIGS.toLocaleString('en')}: a createGig each, about a minute per 2,000). For ` +
        'search benchmarks on 100,000 gigs run `npm run bench:search -w @jobber/bench -- 100000`, ' +
        "which writes them through gigs' store on a supergraph of its own.",
    );
  }
  return {
    seed: count('seed', values.seed, DEFAULT_OPTIONS.seed),
    sizes: {
      buyers: count('buyers', values.buyers, DEFAULT_OPTIONS.sizes.buyers),
      sellers: count('sellers', values.sellers, DEFAULT_OPTIONS.sizes.sellers),
      gigs,
      conversations: count(
        'conversations',
        values.conversations,
        DEFAULT_OPTIONS.sizes.conversations,
      ),
      orders: count('orders', values.orders, DEFAULT_OPTIONS.sizes.orders),
    },
    concurrency: count('concurrency', values.concurrency, DEFAULT_OPTIONS.concurrency, 1),
  };
}
