// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { parseNotificationsConfig, startNotificationsService } from '@jobber/notifications';
import {
  MEMBER_PASSWORD,
  TestSmtpServer,
  eventually,
  memberSignUpInput,
  startTestSupergraph,
  uniqueTag,
  type TestSupergraph,
} from '@jobber/test-kit';

/**
 * The account emails end to end: auth's events → notifications → a real SMTP server (started
 * here) → the link or code read from the parsed mail → back through the gateway.
 */
const PUBLIC_URL = 'https://jobber.test';

let supergraph: TestSupergraph;
let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = await TestSmtpServer.start();
  supergraph = await startTestSupergraph({
    auth: (env) => startAuthService(parseAuthConfig(env)),
    notifications: (env) =>
      startNotificationsService(
        parseNotificationsConfig({
          ...env,
          SMTP_URL: smtp.url,
          PUBLIC_URL,
          MAIL_POLL_MS: '100',
        }),
      ),
  });
});

afterAll(async () => {
  await supergraph?.stop();
  await smtp?.stop();
});

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { email expiresAt } }';
const COMPLETE = `mutation($input: CompleteSignUpInput!) {
  completeSignUp(input: $input) { user { id username emailVerified } accessToken deviceSecret }
}`;
const SIGN_IN = `mutation($input: SignInInput!) {
  signIn(input: $input) {
    __typename
    ... on SignInChallenge { challengeId sentTo }
    ... on AuthSession { accessToken }
  }
}`;
const VERIFY = `mutation($input: VerifySignInCodeInput!) {
  verifySignInCode(input: $input) { user { id } accessToken deviceSecret }
}`;

async function signUp(username: string) {
  const input = memberSignUpInput(username);
  await supergraph.client.data(SIGN_UP, { input });
  const [mail] = await smtp.waitFor(input.email);
  if (!mail) throw new Error('no verification mail');
  const link = /https:\/\/jobber\.test\/sign-up\/complete\?token=([A-Za-z0-9_%-]+)/.exec(mail.text);
  if (!link?.[1]) throw new Error(`no link in: ${mail.text}`);
  const token = decodeURIComponent(link[1]);
  const { completeSignUp } = await supergraph.client.data<{
    completeSignUp: {
      user: { id: string; username: string; emailVerified: boolean };
      accessToken: string;
      deviceSecret: string;
    };
  }>(COMPLETE, { input: { token } });
  return { input, mail, token, completeSignUp };
}

describe('account emails through the gateway (auth + notifications, real SMTP)', () => {
  it('a sign-up gets exactly one verification email whose link completes it', async () => {
    const username = `ada_${uniqueTag()}`;
    const { input, mail, token, completeSignUp } = await signUp(username);
    expect(completeSignUp.user).toMatchObject({ username, emailVerified: true });
    expect(mail.subject).toBe('Confirm your email to finish signing up to Jobber');
    expect(mail.toAddress).toBe(input.email);
    expect(mail.toName).toBe(username);
    expect(mail.html).toContain(`${PUBLIC_URL}/sign-up/complete?token=`);
    expect(mail.text).toContain(`Hi ${username},`);
    expect(mail.html).toContain(`Hi ${username},`);
    // Exactly one, also after the relay and consumers are quiet; the token worked once.
    await eventually(async () => {
      const again = await supergraph.client.request(COMPLETE, { input: { token } });
      return again.errors[0]?.extensions?.['code'] === 'BAD_USER_INPUT';
    });
    expect(smtp.to(input.email)).toHaveLength(1);
  });

  it('a sign-in from a new device gets one code email whose code completes the sign-in', async () => {
    const username = `grace_${uniqueTag()}`;
    const { input } = await signUp(username);
    const before = smtp.to(input.email).length;
    const { signIn } = await supergraph.client.data<{
      signIn: { __typename: string; challengeId: string; sentTo: string };
    }>(SIGN_IN, { input: { emailOrUsername: username, password: MEMBER_PASSWORD } });
    expect(signIn.__typename).toBe('SignInChallenge');
    const mails = await smtp.waitFor(input.email, { count: before + 1 });
    const mail = mails[before];
    if (!mail) throw new Error('no code mail');
    expect(mail.subject).toMatch(/^Your Jobber sign-in code: \d{6}$/);
    const code = /(\d{6})$/.exec(mail.subject)?.[1] ?? '';
    expect(mail.text).toContain(code);
    expect(mail.html).toContain(code);
    expect(mail.text).toContain(`Hi ${username},`);
    const { verifySignInCode } = await supergraph.client.data<{
      verifySignInCode: { user: { id: string }; accessToken: string; deviceSecret: string };
    }>(VERIFY, { input: { challengeId: signIn.challengeId, code } });
    expect(verifySignInCode.accessToken).toBeTruthy();
    expect(verifySignInCode.deviceSecret).toBeTruthy();
    expect(smtp.to(input.email)).toHaveLength(before + 1);
  });

  it('a password reset mails one link that resets it, then tells the owner it changed', async () => {
    const username = `alan_${uniqueTag()}`;
    const { input } = await signUp(username);
    const before = smtp.to(input.email).length;
    await supergraph.client.data(
      'mutation($email: String!) { requestPasswordReset(email: $email) }',
      {
        email: input.email,
      },
    );
    const reset = (await smtp.waitFor(input.email, { count: before + 1 }))[before];
    if (!reset) throw new Error('no reset mail');
    expect(reset.subject).toBe('Reset your Jobber password');
    const link = /https:\/\/jobber\.test\/reset-password\?token=([A-Za-z0-9_%-]+)/.exec(reset.text);
    expect(reset.html).toContain(link?.[0]);
    const token = decodeURIComponent(link?.[1] ?? '');
    const newPassword = 'another long passphrase';
    const { resetPassword } = await supergraph.client.data<{ resetPassword: boolean }>(
      'mutation($input: ResetPasswordInput!) { resetPassword(input: $input) }',
      { input: { token, newPassword } },
    );
    expect(resetPassword).toBe(true);
    const changed = (await smtp.waitFor(input.email, { count: before + 2 }))[before + 1];
    expect(changed?.subject).toBe('Your Jobber password was changed');
    expect(changed?.text).toContain(`Hi ${username},`);
    const { signIn } = await supergraph.client.data<{ signIn: { __typename: string } }>(SIGN_IN, {
      input: { emailOrUsername: username, password: newPassword },
    });
    expect(signIn.__typename).toBe('SignInChallenge');
  });
});
