import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { DocumentNode } from 'graphql';
import { expect } from 'vitest';
import type { GraphQLClient, RequestOptions } from '@jobber/test-kit';
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
