import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GigDocument, SearchIndex, SearchQuery } from '../src/search/search-index.js';

/**
 * The search behaviour every SearchIndex implementation must have. `open` gives an empty index
 * (and how to discard it); each implementation's test file calls `searchSuite` once.
 * Implementations that refresh asynchronously (Elasticsearch) make upsert/remove visible before
 * they resolve (refresh), so the suite never waits.
 */
export interface OpenedIndex {
  index: SearchIndex;
  discard(): Promise<void>;
}

const seller = randomUUID();
let clock = Date.parse('2026-11-01T00:00:00.000Z');

export function gigDocument(overrides: Partial<GigDocument> = {}): GigDocument {
  clock += 60_000;
  return {
    gigId: randomUUID(),
    sellerId: seller,
    sellerUsername: 'ada',
    sellerFullName: 'Ada Lovelace',
    title: 'A gig title',
    description: 'A description long enough to be valid.',
    category: 'graphics-design',
    subCategory: 'logo-design',
    tags: ['logo'],
    priceCents: 5_000,
    currency: 'USD',
    deliveryDays: 3,
    active: true,
    ratingCount: 0,
    ratingAverage: 0,
    createdAt: new Date(clock),
    updatedAt: new Date(clock),
    version: 1,
    ...overrides,
  };
}

export function query(overrides: Partial<SearchQuery> = {}): SearchQuery {
  return {
    text: '',
    category: null,
    minPriceCents: null,
    maxPriceCents: null,
    maxDeliveryDays: null,
    minRating: null,
    sort: 'RELEVANCE',
    first: 20,
    after: null,
    ...overrides,
  };
}

export function searchSuite(name: string, open: () => Promise<OpenedIndex>): void {
  describe(`SearchIndex: ${name}`, () => {
    let opened: OpenedIndex;
    let index: SearchIndex;
    const logo = gigDocument({
      title: 'I will design a minimalist logo for your brand',
      tags: ['logo', 'branding'],
      description: 'Clean vector logos with unlimited revisions and source files.',
      priceCents: 2_500,
      deliveryDays: 2,
      ratingCount: 4,
      ratingAverage: 4.5,
    });
    const website = gigDocument({
      title: 'I will build a responsive website in React',
      category: 'programming-tech',
      subCategory: 'web-development',
      tags: ['react', 'website'],
      description: 'Modern websites with a clean design, fast and accessible.',
      priceCents: 40_000,
      deliveryDays: 14,
      ratingCount: 10,
      ratingAverage: 4.9,
    });
    const mascot = gigDocument({
      title: 'I will draw a cute mascot logo',
      subCategory: 'illustration',
      tags: ['mascot', 'logo', 'cartoon'],
      description: 'Hand drawn mascots for teams, streams and brands.',
      priceCents: 9_000,
      deliveryDays: 5,
      ratingCount: 2,
      ratingAverage: 3.5,
    });
    const translation = gigDocument({
      title: 'I will translate English to German',
      category: 'writing-translation',
      subCategory: 'translation',
      tags: ['german', 'translation'],
      description: 'Native speaker, careful translations of documents and websites.',
      priceCents: 1_500,
      deliveryDays: 1,
    });
    const paused = gigDocument({
      title: 'I will design a paused logo nobody sees',
      tags: ['logo'],
      active: false,
      ratingCount: 1,
      ratingAverage: 5,
    });
    const all = [logo, website, mascot, translation, paused];
    const ids = (hits: { gigId: string }[]) => hits.map((hit) => hit.gigId);

    beforeAll(async () => {
      opened = await open();
      index = opened.index;
      await index.upsert(all);
    });
    afterAll(async () => {
      await opened?.discard();
    });

    it('answers its readiness check', async () => {
      await expect(index.check()).resolves.toBeUndefined();
    });

    it('finds by title, tags and description, best title match first, never an inactive gig', async () => {
      const result = await index.search(query({ text: 'logo' }));
      expect(ids(result.hits)).toEqual(expect.arrayContaining([logo.gigId, mascot.gigId]));
      expect(ids(result.hits)).not.toContain(paused.gigId);
      expect(result.totalCount).toBe(2);
      const byDescription = await index.search(query({ text: 'accessible' }));
      expect(ids(byDescription.hits)).toEqual([website.gigId]);
    });

    it('matches the last word as a prefix while the user types', async () => {
      const result = await index.search(query({ text: 'minimalist lo' }));
      expect(ids(result.hits)).toEqual([logo.gigId]);
      const oneWord = await index.search(query({ text: 'transl' }));
      expect(ids(oneWord.hits)).toEqual([translation.gigId]);
    });

    it('tolerates a typo: "desgin" finds "design"', async () => {
      const result = await index.search(query({ text: 'desgin' }));
      expect(ids(result.hits)).toContain(logo.gigId);
      const twoWords = await index.search(query({ text: 'mascto logo' }));
      expect(ids(twoWords.hits)).toEqual([mascot.gigId]);
    });

    it('filters by category or sub-category, price, delivery and rating', async () => {
      const category = await index.search(query({ category: 'graphics-design' }));
      expect(ids(category.hits).sort()).toEqual([logo.gigId, mascot.gigId].sort());
      const sub = await index.search(query({ category: 'illustration' }));
      expect(ids(sub.hits)).toEqual([mascot.gigId]);
      const price = await index.search(query({ minPriceCents: 2_000, maxPriceCents: 10_000 }));
      expect(ids(price.hits).sort()).toEqual([logo.gigId, mascot.gigId].sort());
      const delivery = await index.search(query({ maxDeliveryDays: 2 }));
      expect(ids(delivery.hits).sort()).toEqual([logo.gigId, translation.gigId].sort());
      const rating = await index.search(query({ minRating: 4 }));
      expect(ids(rating.hits).sort()).toEqual([logo.gigId, website.gigId].sort());
    });

    it('counts category facets for every filter but the category', async () => {
      const result = await index.search(query({ category: 'programming-tech' }));
      expect(result.totalCount).toBe(1);
      expect(result.facets).toEqual([
        { category: 'graphics-design', count: 2 },
        { category: 'programming-tech', count: 1 },
        { category: 'writing-translation', count: 1 },
      ]);
      const cheap = await index.search(query({ maxPriceCents: 3_000 }));
      expect(cheap.facets).toEqual([
        { category: 'graphics-design', count: 1 },
        { category: 'writing-translation', count: 1 },
      ]);
    });

    it('sorts by newest, price both ways and rating', async () => {
      const newest = await index.search(query({ sort: 'NEWEST' }));
      expect(ids(newest.hits)).toEqual([translation, mascot, website, logo].map((g) => g.gigId));
      const cheap = await index.search(query({ sort: 'PRICE_ASC' }));
      expect(ids(cheap.hits)).toEqual([translation, logo, mascot, website].map((g) => g.gigId));
      const dear = await index.search(query({ sort: 'PRICE_DESC' }));
      expect(ids(dear.hits)).toEqual([website, mascot, logo, translation].map((g) => g.gigId));
      const rated = await index.search(query({ sort: 'RATING' }));
      expect(ids(rated.hits).slice(0, 3)).toEqual([website, logo, mascot].map((g) => g.gigId));
    });

    it('pages with cursors made from the last hit, for every sort', async () => {
      for (const sort of ['RELEVANCE', 'NEWEST', 'PRICE_ASC', 'PRICE_DESC', 'RATING'] as const) {
        const text = sort === 'RELEVANCE' ? 'logo' : '';
        const whole = await index.search(query({ text, sort }));
        const seen: string[] = [];
        let after: SearchQuery['after'] = null;
        for (let page = 0; page < 10; page += 1) {
          const result = await index.search(query({ text, sort, first: 1, after }));
          seen.push(...ids(result.hits));
          const last = result.hits.at(-1);
          if (!result.hasNextPage || !last) break;
          after = { sort, value: last.sortValue, gigId: last.gigId };
        }
        expect(seen, sort).toEqual(ids(whole.hits));
      }
    });

    it('passes query syntax and NUL as plain text', async () => {
      for (const text of [
        '&',
        '|',
        '!',
        '(',
        ')',
        ':',
        '*',
        "'",
        '"',
        '\\',
        '\u0000',
        'logo & | ! ( ) : * \' " \\ \u0000',
        "design:* | !'x'",
        'a\u0000b',
      ]) {
        const result = await index.search(query({ text }));
        expect(
          result.hits.every((hit) => hit.gigId !== paused.gigId),
          JSON.stringify(text),
        ).toBe(true);
      }
      const mixed = await index.search(query({ text: "logo's & (mascot" }));
      expect(ids(mixed.hits)).toEqual([mascot.gigId]);
    });

    it('finds similar gigs by shared tags and category, itself and inactive ones left out', async () => {
      const similar = await index.similar(logo.gigId, 10);
      expect(ids(similar)[0]).toBe(mascot.gigId);
      expect(ids(similar)).not.toContain(logo.gigId);
      expect(ids(similar)).not.toContain(paused.gigId);
      expect(await index.similar(randomUUID(), 10)).toEqual([]);
    });

    it('lists top rated gigs, optionally in a category', async () => {
      expect(ids(await index.topRated(null, 10))).toEqual(
        [website, logo, mascot].map((g) => g.gigId),
      );
      expect(ids(await index.topRated('graphics-design', 1))).toEqual([logo.gigId]);
    });

    it('ignores an older version and removes only up to the stored version', async () => {
      const gig = gigDocument({
        title: 'Versioned voice over recording',
        tags: ['voice'],
        version: 3,
      });
      await index.upsert([gig]);
      await index.upsert([{ ...gig, title: 'Stale title from before', version: 2 }]);
      expect(ids((await index.search(query({ text: 'versioned' }))).hits)).toEqual([gig.gigId]);
      await index.remove(gig.gigId, 2);
      expect(ids((await index.search(query({ text: 'versioned' }))).hits)).toEqual([gig.gigId]);
      await index.remove(gig.gigId, 3);
      expect((await index.search(query({ text: 'versioned' }))).hits).toEqual([]);
    });

    it('rebuilds the whole index from batches', async () => {
      async function* batches() {
        yield [logo, website];
        yield [translation];
      }
      expect(await index.rebuild(batches())).toEqual({ documents: 3 });
      const result = await index.search(query());
      expect(ids(result.hits).sort()).toEqual(
        [logo, website, translation].map((g) => g.gigId).sort(),
      );
      await index.upsert(all); // back to the suite's documents
    });
  });
}
