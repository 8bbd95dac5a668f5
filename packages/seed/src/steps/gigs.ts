import { mapBounded } from '../concurrency.js';
import type { SeedStep, SeededGig } from '../context.js';
import { planGigs, type SubCategoryRef } from '../gigs.js';
import { untilKnown } from '../until-known.js';

const CATEGORIES = '{ categories { slug subCategories { slug name } } }';
const CREATE_GIG = 'mutation($input: CreateGigInput!) { createGig(input: $input) { id } }';
const SET_GIG_ACTIVE =
  'mutation($id: ID!, $active: Boolean!) { setGigActive(id: $id, active: $active) { active } }';

/**
 * Above this many gigs the seed refuses `--gigs`: through the API (a `createGig` each, as the
 * seller) the search benchmark's 100,000 would take many minutes; `npm run bench:search` writes
 * them through gigs' store instead (docs/2026-12-02-seed-data.md).
 */
export const MAX_API_GIGS = 20_000;

/** gigs' sellers publish many gigs at once: a createGig is one short transaction, no hashing. */
const GIG_CONCURRENCY = 32;

/**
 * Gigs as sellers publish them: `createGig` as each seller over every sub-category of the tree
 * (`categories`), then `setGigActive(false)` for the few they pause. A seller's first gig waits
 * until gigs knows them (`users.seller.created` arrives by event; until then it is FORBIDDEN).
 */
export const gigsStep: SeedStep = {
  name: 'gigs',
  needs: ['createGig', 'setGigActive', 'categories'],
  total: ({ sizes, members }) => (members.sellers.length ? sizes.gigs : 0),
  async run(context, tick) {
    const { gateway, members } = context;
    if (context.sizes.gigs > MAX_API_GIGS) {
      throw new Error(
        `--gigs ${context.sizes.gigs} is more than the seed makes through the API ` +
          `(${MAX_API_GIGS.toLocaleString('en')}: a createGig each, minutes per 10,000). For search ` +
          'benchmarks on 100,000 gigs run `npm run bench:search -w @jobber/bench -- 100000`, which ' +
          "writes them through gigs' store on a supergraph of its own.",
      );
    }
    const { categories } = await gateway.data<{
      categories: { slug: string; subCategories: { slug: string; name: string }[] }[];
    }>('categories', CATEGORIES);
    const subCategories: SubCategoryRef[] = categories.flatMap((category) =>
      category.subCategories.map((sub) => ({
        category: category.slug,
        subCategory: sub.slug,
        name: sub.name,
      })),
    );
    const plan = planGigs(
      context.random('gigs'),
      subCategories,
      members.sellers.length,
      context.sizes.gigs,
    );
    const made = await mapBounded(
      plan,
      Math.max(context.concurrency, GIG_CONCURRENCY),
      async (planned) => {
        const seller = members.sellers[planned.seller];
        if (!seller) throw new Error(`no seller ${planned.seller}`);
        const { createGig } = await untilKnown(
          () =>
            gateway.data<{ createGig: { id: string } }>(
              'createGig',
              CREATE_GIG,
              { input: planned.input },
              seller.accessToken,
            ),
          'FORBIDDEN',
          `gigs to know the seller ${seller.username} (users.seller.created)`,
        );
        if (planned.paused) {
          await gateway.data(
            'setGigActive',
            SET_GIG_ACTIVE,
            { id: createGig.id, active: false },
            seller.accessToken,
          );
        }
        tick();
        const gig: SeededGig = {
          id: createGig.id,
          seller,
          title: planned.input.title,
          priceCents: planned.input.priceCents,
          deliveryDays: planned.input.deliveryDays,
          active: !planned.paused,
        };
        return gig;
      },
    );
    context.gigs.push(...made);
    context.made['gigs'] = made.length;
    context.made['paused gigs'] = made.filter((gig) => !gig.active).length;
  },
};
