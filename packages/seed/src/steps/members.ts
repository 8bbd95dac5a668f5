import { eventually } from '@jobber/mailbox';
import { mapBounded } from '../concurrency.js';
import {
  AlreadySeededError,
  type SeedContext,
  type SeedStep,
  type SeededMember,
} from '../context.js';
import { RateLimitedError, SeedApiError } from '../gateway-client.js';
import { planMembers, renamed, SEED_PASSWORD, type PlannedMember } from '../people.js';

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { email } }';
const COMPLETE_SIGN_UP = `mutation($input: CompleteSignUpInput!) {
  completeSignUp(input: $input) { user { id } accessToken deviceSecret }
}`;
const BUYER_PROFILE = '{ viewer { buyerProfile { country } } }';
const BECOME_SELLER =
  'mutation($input: SellerProfileInput!) { becomeSeller(input: $input) { fullName } }';

/**
 * Members as an app makes them: `signUp`, the token from the confirmation email (auth's
 * outbox), `completeSignUp`, the buyer profile users makes from `auth.user.registered`, and for
 * sellers `becomeSeller`. The first member goes alone: if they already have an account this
 * seed ran here before and the step refuses (nothing is made twice).
 */
export const membersStep: SeedStep = {
  name: 'members',
  needs: ['signUp', 'completeSignUp', 'viewer', 'becomeSeller'],
  total: ({ sizes }) => sizes.sellers + sizes.buyers,
  async run(context, tick) {
    const plan = planMembers(context.seed, context.sizes);
    const everyone = [...plan.sellers, ...plan.buyers];
    const [first, ...rest] = everyone;
    if (!first) return;
    const made = [await makeMember(context, first, 0)];
    tick();
    made.push(
      ...(await mapBounded(rest, context.concurrency, async (planned, index) => {
        const member = await makeMember(context, planned, index + 1);
        tick();
        return member;
      })),
    );
    context.members.sellers.push(...made.slice(0, plan.sellers.length));
    context.members.buyers.push(...made.slice(plan.sellers.length));
    context.made['sellers'] = plan.sellers.length;
    context.made['buyers'] = plan.buyers.length;
  },
};

/** Tries of another username when one is taken by a member of another seed. */
const USERNAME_TRIES = 5;

async function makeMember(
  context: SeedContext,
  wanted: PlannedMember,
  index: number,
): Promise<SeededMember> {
  const { gateway, mailbox } = context;
  let planned = wanted;
  const names = context.random(`username:${index}`);
  for (let attempt = 1; ; attempt++) {
    const cursor = await mailbox.cursor();
    let token: string | undefined;
    try {
      await gateway.data('signUp', SIGN_UP, {
        input: {
          email: planned.email,
          username: planned.username,
          password: SEED_PASSWORD,
          country: planned.country,
        },
      });
      const reply = await mailbox.signUpReply(planned.email, cursor);
      if ('token' in reply) token = reply.token;
    } catch (error) {
      if (!(error instanceof SeedApiError && error.code === 'CONFLICT')) throw error;
    }
    if (token) return completeMember(context, planned, token);
    // Taken. The first member taken means this seed ran here before: refuse (nothing is made
    // twice). Any other was made by another seed number: take a name of its own.
    if (index === 0) throw new AlreadySeededError(planned.username, context.seed);
    if (attempt === USERNAME_TRIES) {
      throw new Error(`no free username for ${wanted.username} after ${attempt} tries`);
    }
    planned = renamed(wanted, names.int(1000, 99_999));
  }
}

async function completeMember(
  context: SeedContext,
  planned: PlannedMember,
  token: string,
): Promise<SeededMember> {
  const { gateway } = context;
  const { completeSignUp: session } = await gateway.data<{
    completeSignUp: { user: { id: string }; accessToken: string; deviceSecret: string };
  }>('completeSignUp', COMPLETE_SIGN_UP, { input: { token } });
  const accessToken = session.accessToken;
  if (planned.seller) {
    // becomeSeller needs the buyer profile users makes from `auth.user.registered`: polled until
    // it is there (a 429 stops at once, with its reason). A buyer does not wait for theirs: later
    // steps wait for what they need from events where they need it (until-known.ts).
    const polled = await eventually(
      async () => {
        try {
          const data = await gateway.data<{ viewer: { buyerProfile: unknown } | null }>(
            'viewer',
            BUYER_PROFILE,
            {},
            accessToken,
          );
          return data.viewer?.buyerProfile ? { limited: null } : undefined;
        } catch (error) {
          if (error instanceof RateLimitedError) return { limited: error };
          throw error;
        }
      },
      {
        timeoutMs: 30_000,
        intervalMs: 50,
        maxIntervalMs: 1_000,
        what: `the buyer profile of ${planned.username}`,
      },
    );
    if (polled.limited) throw polled.limited;
    await gateway.data('becomeSeller', BECOME_SELLER, { input: planned.seller }, accessToken);
  }
  return {
    ...planned,
    id: session.user.id,
    accessToken,
    deviceSecret: session.deviceSecret,
  };
}
