import { mapBounded } from '../concurrency.js';
import type { SeedContext, SeedStep, SeededGig, SeededMember, SeededOffer } from '../context.js';
import {
  BUYER_DETAILS,
  BUYER_OPENINGS,
  OFFER_DESCRIPTIONS,
  SELLER_FOLLOW_UPS,
  SELLER_REPLIES,
} from '../gig-words.js';
import type { Random } from '../random.js';
import { untilKnown } from '../until-known.js';

const SEND_TO = `mutation($recipientId: ID!, $body: String!) {
  sendMessage(recipientId: $recipientId, body: $body) { conversation { id } }
}`;
const SEND_IN = `mutation($conversationId: ID!, $body: String!) {
  sendMessage(conversationId: $conversationId, body: $body) { id }
}`;
const SEND_OFFER = `mutation($conversationId: ID!, $gigId: ID!, $priceCents: Int!, $deliveryDays: Int!, $description: String!) {
  sendOffer(conversationId: $conversationId, gigId: $gigId, priceCents: $priceCents,
    deliveryDays: $deliveryDays, description: $description) { offer { id } }
}`;
const DECLINE = 'mutation($offerId: ID!) { declineOffer(offerId: $offerId) { state } }';
const CANCEL = 'mutation($offerId: ID!) { cancelOffer(offerId: $offerId) { state } }';
const MARK_READ =
  'mutation($conversationId: ID!) { markConversationRead(conversationId: $conversationId) { id } }';

/** How long a sendOffer waits for chat to learn its gig by event. */
const GIG_EVENT_WAIT_MS = 180_000;

/** Conversations at once: each is a few short sends, one after another. */
const CONVERSATION_CONCURRENCY = 32;

/** What happens in one conversation, all of it planned from the step's stream. */
interface PlannedConversation {
  buyer: SeededMember;
  gig: SeededGig;
  opening: string;
  /** Messages after the opening, alternating seller, buyer, … */
  replies: string[];
  offer?: { priceCents: number; deliveryDays: number; description: string; end: OfferEnd };
  /** Who reads the conversation at the end (marks it read), if anyone. */
  readBy?: 'buyer' | 'seller';
}

type OfferEnd = 'open' | 'declined' | 'cancelled';

/**
 * Conversations as buyers and sellers have them: a buyer writes to the seller of an active gig
 * (`sendMessage` to the seller), they exchange a few messages, some sellers send a custom offer
 * for the gig (`sendOffer`, which waits until chat knows the gig from `gigs.gig.created`), some
 * offers are declined or cancelled, and some conversations are read (`markConversationRead`).
 * One conversation per buyer and seller (chat keeps one per pair).
 */
export const conversationsStep: SeedStep = {
  name: 'conversations',
  needs: ['sendMessage', 'sendOffer', 'markConversationRead', 'declineOffer', 'cancelOffer'],
  total: (context) => plan(context).length,
  async run(context, tick) {
    const planned = plan(context);
    const results = await mapBounded(
      planned,
      Math.max(context.concurrency, CONVERSATION_CONCURRENCY),
      async (conversation) => {
        const outcome = await converse(context, conversation);
        tick();
        return outcome;
      },
    );
    // In the plan's order, whatever order the conversations finished in (the orders step picks).
    context.offers.push(...results.flatMap((r) => (r.openOffer ? [r.openOffer] : [])));
    const count = (end: OfferEnd) => results.filter((r) => r.offer === end).length;
    context.made['conversations'] = results.length;
    context.made['messages'] = results.reduce((sum, r) => sum + r.messages, 0);
    context.made['offers'] = results.filter((r) => r.offer).length;
    context.made['declined offers'] = count('declined');
    context.made['cancelled offers'] = count('cancelled');
    context.made['read conversations'] = results.filter((r) => r.read).length;
  },
};

/** The conversations of this run (memoised per context: `total` and `run` agree). */
const plans = new WeakMap<SeedContext, PlannedConversation[]>();
function plan(context: SeedContext): PlannedConversation[] {
  const known = plans.get(context);
  if (known) return known;
  const random = context.random('conversations');
  const active = context.gigs.filter((gig) => gig.active);
  const buyers = context.members.buyers;
  const planned: PlannedConversation[] = [];
  const pairs = new Set<string>();
  const wanted = Math.min(
    context.sizes.conversations,
    buyers.length * new Set(active.map((gig) => gig.seller.id)).size,
  );
  for (let tries = 0; planned.length < wanted && tries < wanted * 20; tries++) {
    const buyer = random.pick(buyers);
    const gig = random.pick(active);
    const pair = `${buyer.id}:${gig.seller.id}`;
    if (buyer.id === gig.seller.id || pairs.has(pair)) continue;
    pairs.add(pair);
    planned.push(planConversation(random, buyer, gig));
  }
  if (active.length) plans.set(context, planned);
  return planned;
}

function planConversation(random: Random, buyer: SeededMember, gig: SeededGig) {
  const replies = [random.pick(SELLER_REPLIES)];
  if (random.chance(0.7)) replies.push(random.pick(BUYER_DETAILS));
  if (replies.length === 2 && random.chance(0.6)) replies.push(random.pick(SELLER_FOLLOW_UPS));
  const conversation: PlannedConversation = {
    buyer,
    gig,
    opening: random.pick(BUYER_OPENINGS).replace('{title}', gig.title),
    replies,
  };
  if (random.chance(0.4)) {
    const roll = random.next();
    conversation.offer = {
      // Around the gig's price: a discount or extra scope.
      priceCents: Math.max(500, Math.round((gig.priceCents * random.int(80, 150)) / 10_000) * 100),
      deliveryDays: Math.min(90, Math.max(1, gig.deliveryDays + random.int(-1, 3))),
      description: random.pick(OFFER_DESCRIPTIONS),
      end: roll < 0.25 ? 'declined' : roll < 0.4 ? 'cancelled' : 'open',
    };
  }
  const read = random.next();
  if (read < 0.6) conversation.readBy = read < 0.35 ? 'seller' : 'buyer';
  return conversation;
}

async function converse(context: SeedContext, planned: PlannedConversation) {
  const { gateway } = context;
  const { buyer, gig } = planned;
  const seller = gig.seller;
  // chat knows the seller's account from auth's event; long made by now, but wait if not.
  const { sendMessage } = await untilKnown(
    () =>
      gateway.data<{ sendMessage: { conversation: { id: string } } }>(
        'sendMessage',
        SEND_TO,
        { recipientId: seller.id, body: planned.opening },
        buyer.accessToken,
      ),
    'NOT_FOUND',
    `chat to know the account of ${seller.username}`,
  );
  const conversationId = sendMessage.conversation.id;
  let messages = 1;
  for (const [index, body] of planned.replies.entries()) {
    const from = index % 2 === 0 ? seller : buyer;
    await gateway.data('sendMessage', SEND_IN, { conversationId, body }, from.accessToken);
    messages++;
  }
  const offer = planned.offer;
  let openOffer: SeededOffer | undefined;
  if (offer) {
    const { sendOffer } = await untilKnown(
      () =>
        gateway.data<{ sendOffer: { offer: { id: string } } }>(
          'sendOffer',
          SEND_OFFER,
          {
            conversationId,
            gigId: gig.id,
            priceCents: offer.priceCents,
            deliveryDays: offer.deliveryDays,
            description: offer.description,
          },
          seller.accessToken,
        ),
      'NOT_FOUND',
      `chat to know the gig ${gig.id} (gigs.gig.published)`,
      // chat takes the gigs step's 2,000-odd events in order; on a busy machine it trails the
      // last createGig by tens of seconds (measured: 40 s at load average 11).
      GIG_EVENT_WAIT_MS,
    );
    messages++;
    const offerId = sendOffer.offer.id;
    if (offer.end === 'declined') {
      await gateway.data('declineOffer', DECLINE, { offerId }, buyer.accessToken);
    } else if (offer.end === 'cancelled') {
      await gateway.data('cancelOffer', CANCEL, { offerId }, seller.accessToken);
    } else {
      openOffer = { id: offerId, buyer, gig };
    }
  }
  if (planned.readBy) {
    const reader = planned.readBy === 'buyer' ? buyer : seller;
    await gateway.data('markConversationRead', MARK_READ, { conversationId }, reader.accessToken);
  }
  return { messages, offer: offer?.end, openOffer, read: Boolean(planned.readBy) };
}
