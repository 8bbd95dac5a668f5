import { expect } from 'vitest';
import { memberSignUpInput, uniqueTag } from '@jobber/test-kit';
import { SignUpDocument } from '../../generated/client/graphql.js';
import { operation } from './operation-fixture.js';

/** The fixtures of operations/sign-up.graphql (kept apart: the sign-up flow is changing). */
export const signUpFixtures = {
  SignUp: operation(SignUpDocument, async () => {
    const input = memberSignUpInput(`smoke_${uniqueTag()}`, { country: 'KE' });
    return {
      variables: { input },
      check: (data) => {
        expect(data.signUp.user).toMatchObject({
          username: input.username,
          email: input.email,
          emailVerified: false,
        });
        expect(data.signUp.deviceSecret).toEqual(expect.any(String));
      },
    };
  }),
};
