import { mapBounded } from '../concurrency.js';
import type { SeedStep, SeededGig } from '../context.js';
import { planGigs, type SubCategoryRef } from '../gigs.js';
import { untilKnown } from '../until-known.js';

const CATEGORIES = '{ categories { slug subCategories { slug name } } }';
const CREATE_GIG = 'mutation($input: CreateGigInput!) { createGig(input: $input) { id } }';
const SET_GIG_ACTIVE =
  'mutation($id: ID!, $active: Boolean!) { setGigActive(id: $id, active: $active) { active } }';

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
