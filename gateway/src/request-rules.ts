import { Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';

/** True when a variable's value holds a NUL character anywhere (PostgreSQL refuses it in text). */
export function variablesHoldNul(variables: unknown): boolean {
  const pending: unknown[] = [variables];
  while (pending.length) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return true;
    } else if (Array.isArray(value)) {
      pending.push(...(value as unknown[]));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) return true;
        pending.push(item);
      }
    }
  }
  return false;
}

/**
 * Why the request's operation cannot be run over HTTP, or undefined: no operation of that
 * name, several operations and no name, or a subscription (served over WebSocket only).
 */
export function operationProblem(
  document: DocumentNode,
  operation: OperationDefinitionNode | undefined,
  operationName: string | undefined | null,
  transport: 'http' | 'websocket' = 'http',
): string | undefined {
  if (!operation) {
    const operations = document.definitions.filter(
      (definition) => definition.kind === Kind.OPERATION_DEFINITION,
    ).length;
    if (operationName) return `No operation named "${shortened(operationName)}" in the document.`;
    return operations > 1
      ? 'The document holds several operations: name the one to run in operationName.'
      : 'The document holds no operation.';
  }
  if (transport === 'websocket') {
    return operation.operation === 'subscription'
      ? undefined
      : 'Queries and mutations are served over HTTP; WebSocket (graphql-ws) is for subscriptions.';
  }
  if (operation.operation === 'subscription') {
    return 'Subscriptions are served over WebSocket (graphql-ws), not over HTTP.';
  }
  return undefined;
}

/** A client's text quoted in an answer, cut to a length that cannot bloat it. */
function shortened(text: string, max = 100): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
