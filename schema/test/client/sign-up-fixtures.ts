import { expect } from 'vitest';
import { memberSignUpInput, uniqueTag } from '@jobber/test-kit';
import {
  CompleteSignUpDocument,
  ResendSignUpConfirmationDocument,
  SignUpDocument,
} from '../../generated/client/graphql.js';
import { executeData } from './execute.js';
import { operation } from './operation-fixture.js';
import type { World } from './world.js';

/** A sign-up waiting for its confirmation, as `SignUp` leaves it: its input and emailed token. */
async function pendingSignUp(world: World) {
  const input = memberSignUpInput(`smoke_${uniqueTag()}`, { country: 'KE' });
  await executeData(world.client, SignUpDocument, { input });
  const mailbox = world.client.mailbox;
  if (!mailbox) throw new Error('the sign-up fixtures need the Mailbox of startTestSupergraph');
  return { input, token: await mailbox.signUpToken(input.email) };
}

/** The fixtures of operations/sign-up.graphql. */
export const signUpFixtures = {
  SignUp: operation(SignUpDocument, async () => {
    const input = memberSignUpInput(`smoke_${uniqueTag()}`, { country: 'KE' });
    return {
      variables: { input },
      check: (data) => {
        expect(data.signUp.email).toBe(input.email);
        expect(Date.parse(data.signUp.expiresAt)).toBeGreaterThan(Date.now());
      },
    };
  }),

  CompleteSignUp: operation(CompleteSignUpDocument, async (world) => {
    const { input, token } = await pendingSignUp(world);
    return {
      variables: { input: { token } },
      check: (data) => {
        expect(data.completeSignUp.user).toMatchObject({
          username: input.username,
          email: input.email,
          emailVerified: true,
        });
        expect(data.completeSignUp.deviceSecret).toEqual(expect.any(String));
      },
    };
  }),

  ResendSignUpConfirmation: operation(ResendSignUpConfirmationDocument, async (world) => {
    const { input } = await pendingSignUp(world);
    return {
      variables: { email: input.email },
      check: (data) => expect(data.resendSignUpConfirmation).toBe(true),
    };
  }),
};
