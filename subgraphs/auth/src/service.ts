import { defineSubgraph, subgraphContext } from '@jobber/service-kit';
import { createAccessTokenIssuer } from './access-tokens.js';
import { Accounts } from './accounts.js';
import { loadAuthConfig, parseAuthConfig } from './config.js';
import { SECRET_EVENT_TYPES, SECRET_OUTBOX_PRUNING } from './outbox-secrets.js';
import { warmUpDummyHash } from './password-hashing.js';
import { resolvers } from './resolvers/index.js';
import { Sessions } from './sessions.js';
import { AuthStore, createPrisma } from './store.js';

const DAY_MS = 86_400_000;

/** The auth subgraph: account rules on its store, the hourly pruning of old sign-in failures and
 * expired sign-ups, and the prompt deletion of delivered outbox rows that carry secrets. */
export const subgraph = defineSubgraph({
  name: 'auth',
  schema: new URL('./schema.graphql', import.meta.url),
  resolvers,
  createPrisma,
  loadConfig: loadAuthConfig,
  parseConfig: parseAuthConfig,
  async wire(deps) {
    const store = new AuthStore(deps);
    const clock = () => new Date();
    const sessions = new Sessions(createAccessTokenIssuer(deps.config.accessTokens), clock);
    const accounts = new Accounts(store, sessions, {
      clock,
      onBackgroundError: (error, what) => deps.logger.error({ err: error }, what),
      onConfirmationEnqueued: deps.config.devMailbox
        ? (mail) =>
            deps.logger.info(
              { devMailbox: mail },
              `dev mailbox: confirm the sign-up of ${mail.email} with completeSignUp(input: { token: "${mail.token}" })`,
            )
        : undefined,
    });
    await warmUpDummyHash();
    // Failed sign-ins older than a day no longer count for anything; expired sign-ups are gone.
    const pruning = setInterval(() => {
      store
        .pruneSignInFailures(new Date(Date.now() - DAY_MS))
        .catch((error: unknown) =>
          deps.logger.warn({ err: error }, 'pruning sign-in failures failed'),
        );
      store
        .prunePendingSignUps(new Date())
        .catch((error: unknown) =>
          deps.logger.warn({ err: error }, 'pruning expired sign-ups failed'),
        );
    }, 3_600_000);
    pruning.unref();
    const secretPruning = setInterval(() => {
      const before = new Date(Date.now() - SECRET_OUTBOX_PRUNING.keepSentMs);
      store
        .pruneSentEvents(SECRET_EVENT_TYPES, before)
        .catch((error: unknown) =>
          deps.logger.warn({ err: error }, 'pruning delivered secrets from the outbox failed'),
        );
    }, SECRET_OUTBOX_PRUNING.everyMs);
    secretPruning.unref();
    return {
      context: subgraphContext(store, { accounts }),
      onStop: async () => {
        clearInterval(pruning);
        clearInterval(secretPruning);
        await accounts.settle();
      },
    };
  },
});

export const startAuthService = subgraph.start;
