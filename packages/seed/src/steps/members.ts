import { eventually } from '@jobber/mailbox';
import { mapBounded } from '../concurrency.js';
import {
  AlreadySeededError,
  type SeedContext,
  type SeedStep,
  type SeededMember,
} from '../context.js';
import { planMembers, SEED_PASSWORD, type PlannedMember } from '../people.js';

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
    const made = [await makeMember(context, first)];
    tick();
    made.push(
      ...(await mapBounded(rest, context.concurrency, async (planned) => {
        const member = await makeMember(context, planned);
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

async function makeMember(context: SeedContext, planned: PlannedMember): Promise<SeededMember> {
  const { gateway, mailbox } = context;
  const cursor = await mailbox.cursor();
  await gateway.data('signUp', SIGN_UP, {
    input: {
      email: planned.email,
      username: planned.username,
      password: SEED_PASSWORD,
      country: planned.country,
    },
  });
  const reply = await mailbox.signUpReply(planned.email, cursor);
  if (!('token' in reply)) throw new AlreadySeededError(planned.username, context.seed);
  const { completeSignUp: session } = await gateway.data<{
    completeSignUp: { user: { id: string }; accessToken: string; deviceSecret: string };
  }>('completeSignUp', COMPLETE_SIGN_UP, { input: { token: reply.token } });
  const token = session.accessToken;
  await eventually(
    async () => {
      const data = await gateway.data<{ viewer: { buyerProfile: unknown } | null }>(
        'viewer',
        BUYER_PROFILE,
        {},
        token,
      );
      return Boolean(data.viewer?.buyerProfile);
    },
    { timeoutMs: 30_000, intervalMs: 50, what: `the buyer profile of ${planned.username}` },
  );
  if (planned.seller) {
    await gateway.data('becomeSeller', BECOME_SELLER, { input: planned.seller }, token);
  }
  return {
    ...planned,
    id: session.user.id,
    accessToken: token,
    deviceSecret: session.deviceSecret,
  };
}
