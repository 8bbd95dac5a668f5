import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseAuthConfig } from '../src/index.js';
import { SIGN_UP, confirmationFor, newAccount, signUp, useAuthSupergraph } from './harness.js';

// Until the notifications subgraph exists, development logs each sign-up confirmation auth puts
// in the outbox, token included: the dev mailbox. Only there.
const lines: { msg: string; devMailbox?: { email: string; token: string } }[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
const env = useAuthSupergraph({ authEnv: { NODE_ENV: 'development' }, logger });
const mailboxLines = (email: string) => lines.filter((line) => line.devMailbox?.email === email);

describe('the dev mailbox', () => {
  it('logs one line per confirmation in development, with its token; none for a taken address', async () => {
    const input = newAccount();
    await env.client.data(SIGN_UP, { input });
    const { token } = await confirmationFor(env.db, input.email);
    expect(mailboxLines(input.email)).toEqual([
      expect.objectContaining({
        devMailbox: expect.objectContaining({ email: input.email, token }),
        msg: expect.stringContaining(`completeSignUp(input: { token: "${token}" })`),
      }),
    ]);

    const member = await signUp(env.client);
    const before = mailboxLines(member.input.email).length;
    await env.client.data(SIGN_UP, { input: newAccount({ email: member.input.email }) });
    expect(mailboxLines(member.input.email)).toHaveLength(before);
  });

  it('is on in development only, never in test or production', () => {
    const base = env.supergraph.envFor('auth');
    const devMailbox = (NODE_ENV: string) => parseAuthConfig({ ...base, NODE_ENV }).devMailbox;
    expect(devMailbox('development')).toBe(true);
    expect(devMailbox('test')).toBe(false);
    expect(devMailbox('production')).toBe(false);
    const { NODE_ENV: _unset, ...withoutNodeEnv } = base;
    expect(parseAuthConfig(withoutNodeEnv).devMailbox).toBe(false);
  });
});
