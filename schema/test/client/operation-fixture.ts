import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { expect } from 'vitest';
import { eventually, type GraphQLClient, type RequestOptions } from '@jobber/test-kit';
import { gatewaySocket, subscribeTo } from '../subscription-client.js';
import { execute } from './execute.js';
import type { World } from './world.js';

/** How one operation is sent, and what its answer must show besides "no errors". */
export interface OperationRequest<TData, TVariables> {
  variables: TVariables;
  /** Who sends it; the anonymous gateway client when left out. */
  client?: GraphQLClient;
  options?: RequestOptions;
  check?: (data: TData) => void;
}

/** One operation of schema/operations/, with what it needs made first through the public API. */
export interface OperationFixture {
  document: DocumentNode;
  /** Prepares, sends the operation and checks the answer; throws on any error. */
  run(world: World): Promise<void>;
}

/**
 * A fixture for a generated typed document: `prepare`'s variables are checked against the
 * operation's variable types and `check` gets its result type (a schema change that breaks an
 * operation fails typecheck here before it fails a client).
 */
export function operation<TData, TVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  prepare: (world: World) => Promise<OperationRequest<NoInfer<TData>, NoInfer<TVariables>>>,
): OperationFixture {
  return {
    document,
    async run(world) {
      const request = await prepare(world);
      const response = await execute(
        request.client ?? world.client,
        document,
        request.variables,
        request.options,
      );
      expect(response.errors).toEqual([]);
      expect(response.data).not.toBeNull();
      request.check?.(response.data as TData);
    },
  };
}

/** How one subscription is opened over graphql-ws, made to deliver, and what its first event shows. */
export interface SubscriptionRequest<TData, TVariables> {
  variables: TVariables;
  /** The subscriber's access token (sent in `connection_init`). */
  token: string;
  /** Resolves once the subscription is live on the subgraph (e.g. the viewer is online in chat). */
  live: () => Promise<void>;
  /** Makes the event happen (e.g. another participant sends a message). */
  trigger: () => Promise<void>;
  check?: (data: TData) => void;
}

/**
 * A fixture for a generated subscription document: opened through the gateway with a real
 * graphql-ws client, as an app would; its first event must come without errors.
 */
export function subscription<TData, TVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  prepare: (world: World) => Promise<SubscriptionRequest<NoInfer<TData>, NoInfer<TVariables>>>,
): OperationFixture {
  return {
    document,
    async run(world) {
      const request = await prepare(world);
      const socket = gatewaySocket(world.gatewayUrl, request.token);
      try {
        const received = subscribeTo(
          socket,
          print(document),
          request.variables as Record<string, unknown>,
        );
        await request.live();
        await request.trigger();
        const [first] = await eventually(
          () => (received.results.length > 0 ? received.results : undefined),
          { what: 'the first event' },
        );
        expect(first?.errors).toBeUndefined();
        expect(first?.data).toBeTruthy();
        request.check?.(first?.data as TData);
      } finally {
        await socket.dispose();
      }
    },
  };
}
