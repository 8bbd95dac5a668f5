import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { GraphQLClient, GraphQLResponse, RequestOptions } from '@jobber/test-kit';

/**
 * Sends a generated typed document as a TypeScript client would: the variables are checked
 * against the operation's variable types and the answer has its result type.
 */
export function execute<TData, TVariables>(
  client: GraphQLClient,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  options: RequestOptions = {},
): Promise<GraphQLResponse<TData>> {
  return client.request<TData>(print(document), variables as Record<string, unknown>, options);
}

/** Like `execute`, but throws with the errors when there are any. */
export async function executeData<TData, TVariables>(
  client: GraphQLClient,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  options: RequestOptions = {},
): Promise<TData> {
  const response = await execute(client, document, variables, options);
  if (response.errors.length || !response.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  }
  return response.data;
}

/** The operation name of a document (its first operation definition). */
export function operationName(document: TypedDocumentNode<unknown, never>): string {
  for (const definition of document.definitions) {
    if (definition.kind === 'OperationDefinition' && definition.name) return definition.name.value;
  }
  throw new Error('document has no named operation');
}
