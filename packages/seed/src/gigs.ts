import type { Random } from './random.js';
import { GIG_CLOSERS, GIG_OPENERS, GIG_WORDS, type GigWords } from './gig-words.js';

/** A sub-category of gigs' tree, with its top-level category (the `categories` query). */
export interface SubCategoryRef {
  category: string;
  subCategory: string;
  name: string;
}

/** `createGig`'s input. */
export interface CreateGigInput {
  title: string;
  description: string;
  category: string;
  subCategory: string;
  tags: string[];
  priceCents: number;
  currency: string;
  deliveryDays: number;
}

/** One gig the seed will publish: whose (an index into the sellers), what, and paused or not. */
export interface PlannedGig {
  seller: number;
  input: CreateGigInput;
  paused: boolean;
}

/** The share of gigs their seller pauses (`setGigActive(false)`) after publishing. */
export const PAUSED_SHARE = 0.08;

/**
 * `count` gigs over `sellers` sellers and every sub-category: the first gigs go one to each
 * sub-category and one to each seller, so every one has some; then each seller's gigs lean to
 * a sub-category of their own. All of it from `random`.
 */
export function planGigs(
  random: Random,
  subCategories: readonly SubCategoryRef[],
  sellers: number,
  count: number,
): PlannedGig[] {
  if (!subCategories.length) throw new Error('gigs has no categories');
  if (sellers === 0) return [];
  const home = Array.from({ length: sellers }, () => random.pick(subCategories));
  return Array.from({ length: count }, (_, index) => {
    const seller = index < sellers ? index : random.int(0, sellers - 1);
    const sub =
      index < subCategories.length
        ? (subCategories[index] as SubCategoryRef)
        : random.chance(0.7)
          ? (home[seller] as SubCategoryRef)
          : random.pick(subCategories);
    return { seller, input: gigInput(random, sub), paused: random.chance(PAUSED_SHARE) };
  });
}

function gigInput(random: Random, sub: SubCategoryRef): CreateGigInput {
  const words = GIG_WORDS[sub.subCategory] ?? plainWords(sub);
  const offer = random.pick(words.offers);
  const title = clip(`I will ${offer} for ${random.pick(words.purposes)}`, 80);
  const [low, high] = words.dollars;
  // Prices a seller would set: whole dollars ending in 0 or 5 (above 20), in cents.
  const dollars = Math.round(low + (high - low) * random.next() ** 2.2);
  const priceCents = (dollars > 20 ? Math.max(5, Math.round(dollars / 5) * 5) : dollars) * 100;
  const includes = random.sample(words.includes, random.int(2, words.includes.length));
  const description = [
    random.pick(GIG_OPENERS),
    `I will ${offer}, made for you and nobody else.`,
    ...includes,
    random.pick(GIG_CLOSERS),
  ].join(' ');
  return {
    title,
    description,
    category: sub.category,
    subCategory: sub.subCategory,
    tags: random.sample(words.tags, random.int(3, 5)),
    priceCents: Math.max(500, priceCents),
    currency: 'USD',
    deliveryDays: random.int(words.days[0], words.days[1]),
  };
}

/** Words for a sub-category the lists do not know yet: from its name. */
function plainWords(sub: SubCategoryRef): GigWords {
  const name = sub.name.toLowerCase();
  return {
    offers: [`do professional ${name}`, `help you with ${name}`, `deliver quality ${name}`],
    purposes: ['your business', 'your project', 'your startup'],
    tags: [clip(name, 30), 'professional', 'fast delivery', 'quality'],
    includes: [
      'A short call first, so the work fits what you need.',
      'Revisions until you are happy.',
      'Delivered on time, with everything you need to use it.',
    ],
    dollars: [20, 500],
    days: [2, 14],
  };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max).replace(/\s+\S*$/, '');
}
