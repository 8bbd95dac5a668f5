import { describe, expect, it } from 'vitest';
import { planGigs, type SubCategoryRef } from '../src/gigs.js';
import { GIG_WORDS } from '../src/gig-words.js';
import { Random } from '../src/random.js';

// gigs' tree as the `categories` query gives it, plus one the word lists do not know.
const subCategories: SubCategoryRef[] = [
  ...Object.keys(GIG_WORDS).map((slug) => ({ category: 'any', subCategory: slug, name: slug })),
  { category: 'lifestyle', subCategory: 'fitness-coaching', name: 'Fitness Coaching' },
];

describe('the gigs plan', () => {
  const plan = planGigs(new Random(42, 'gigs'), subCategories, 50, 2_000);

  it('is the same for the same seed, and another for another', () => {
    expect(planGigs(new Random(42, 'gigs'), subCategories, 50, 2_000)).toEqual(plan);
    expect(planGigs(new Random(43, 'gigs'), subCategories, 50, 2_000)).not.toEqual(plan);
  });

  it('covers every sub-category and every seller, and pauses a few', () => {
    expect(new Set(plan.map((gig) => gig.input.subCategory))).toEqual(
      new Set(subCategories.map((sub) => sub.subCategory)),
    );
    expect(new Set(plan.map((gig) => gig.seller)).size).toBe(50);
    const paused = plan.filter((gig) => gig.paused).length;
    expect(paused).toBeGreaterThan(0);
    expect(paused).toBeLessThan(plan.length / 5);
  });

  it("keeps within createGig's rules", () => {
    for (const { input } of plan) {
      expect(input.title.length).toBeGreaterThanOrEqual(10);
      expect(input.title.length).toBeLessThanOrEqual(80);
      expect(input.description.length).toBeGreaterThanOrEqual(20);
      expect(input.description.length).toBeLessThanOrEqual(5_000);
      expect(input.tags.length).toBeGreaterThanOrEqual(1);
      expect(input.tags.length).toBeLessThanOrEqual(5);
      for (const tag of input.tags) expect(tag.length).toBeGreaterThanOrEqual(2);
      for (const tag of input.tags) expect(tag.length).toBeLessThanOrEqual(30);
      expect(new Set(input.tags).size).toBe(input.tags.length);
      expect(input.priceCents).toBeGreaterThanOrEqual(500);
      expect(input.priceCents % 100).toBe(0);
      expect(input.deliveryDays).toBeGreaterThanOrEqual(1);
      expect(input.deliveryDays).toBeLessThanOrEqual(90);
    }
  });

  it('makes nothing without sellers', () => {
    expect(planGigs(new Random(42, 'gigs'), subCategories, 0, 100)).toEqual([]);
  });
});
