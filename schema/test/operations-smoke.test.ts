import { readFileSync, readdirSync } from 'node:fs';
import { Kind, parse, print, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { parseGigsConfig, startGigsService } from '@jobber/gigs';
import { parseChatConfig, startChatService } from '@jobber/chat';
import { parseOrdersConfig, startOrdersService } from '@jobber/orders';
import { parseReviewsConfig, startReviewsService } from '@jobber/reviews';
import { parseNotificationsConfig, startNotificationsService } from '@jobber/notifications';
import { startTestSupergraph, type TestSupergraph } from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';
import { chatTimers } from './chat-kit.js';
import { operationFixtures } from './client/fixtures.js';
import { createWorld, type World } from './client/world.js';

// The client contract's example operations (schema/operations/) as smoke tests: each runs through
// the gateway against the composed supergraph without errors, with the variables its fixture
// (test/client/fixtures.ts) gives, as the generated typed document a TypeScript client sends;
// subscriptions over graphql-ws, until their first event.
const operationsDir = new URL('../operations/', import.meta.url);
const files = readdirSync(operationsDir)
  .filter((file) => file.endsWith('.graphql'))
  .sort();
const operationsOf = (file: string): OperationDefinitionNode[] =>
  parse(readFileSync(new URL(file, operationsDir), 'utf8')).definitions.filter(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  );
const byFile = files.map((file) => ({
  file,
  names: operationsOf(file).map((operation) => operation.name?.value ?? '(anonymous)'),
}));
const fixtures: Record<string, (typeof operationFixtures)[keyof typeof operationFixtures]> =
  operationFixtures;

let supergraph: TestSupergraph;
let world: World;

beforeAll(async () => {
  supergraph = await startTestSupergraph({
    auth: (env) => startAuthService(parseAuthConfig(env)),
    users: (env) => startUsersService(parseUsersConfig(env)),
    gigs: (env) => startGigsService(parseGigsConfig(env)),
    chat: (env) => startChatService(parseChatConfig({ ...env, ...chatTimers })),
    orders: (env) => startOrdersService(parseOrdersConfig(env)),
    reviews: (env) => startReviewsService(parseReviewsConfig(env)),
    notifications: (env) =>
      startNotificationsService(parseNotificationsConfig({ ...env, MAIL_POLL_MS: '200' })),
  });
  world = createWorld(supergraph);
});
afterAll(async () => {
  await world?.close();
  await supergraph?.stop();
});

describe('schema/operations/', () => {
  it('names every operation once, and each has a fixture and an up-to-date generated document', () => {
    const names = byFile.flatMap((entry) => entry.names);
    expect(names.length).toBeGreaterThan(0);
    // Apollo iOS and Apollo Kotlin need a unique name for every operation.
    expect(names).not.toContain('(anonymous)');
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(fixtures).sort()).toEqual([...names].sort());

    for (const file of files) {
      for (const operation of operationsOf(file)) {
        const name = operation.name?.value ?? '';
        const generated = fixtures[name]?.document.definitions.find(
          (definition) => definition.kind === Kind.OPERATION_DEFINITION,
        );
        expect(generated && print(generated), `${file} ${name}: run \`npm run generate\``).toBe(
          print(operation),
        );
      }
    }
  });

  describe.each(byFile)('$file', ({ names }) => {
    it.each(names)('%s runs without errors', async (name) => {
      const fixture = fixtures[name];
      if (!fixture) throw new Error(`no fixture for ${name} in test/client/fixtures.ts`);
      await fixture.run(world);
    });
  });
});
