import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { buildOperationContext } from '@apollo/gateway';
import {
  GraphQLError,
  Kind,
  getOperationAST,
  parse,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type SelectionSetNode,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '@jobber/service-kit';
import type { AccessTokenVerifier } from './access-tokens.js';
import { screenOperation } from './limits.js';
import type { OperationLimits } from './operation-limits.js';
import type { RevokedSessions } from './revoked-sessions.js';
import {
  CLOSE_TOO_SLOW,
  ClientConnections,
  type ClientConnection,
} from './subscription-connections.js';
import type { SubgraphDataSource } from './subgraph-data-source.js';
import { masked, type EventExecution, type EventExecutor } from './subscription-events.js';
import { SubscriptionFanout } from './subscription-fanout.js';
import type { SubscriptionPlanner } from './subscription-plans.js';
import type { UpstreamSubscriptions } from './upstream-subscriptions.js';

export interface SubscriptionSettings {
  maxPerConnection: number;
  maxConnectionsPerUser: number;
  /** Results waiting for one subscriber's socket at most; a client further behind gets 1013. */
  queueSize: number;
}

interface Prepared {
  execution: EventExecution;
  connection: ClientConnection;
}

const CLOSE_SERVER_STOPPING = 1001;

/**
 * graphql-ws on the gateway's public /graphql (same port as HTTP): each client subscription is
 * planned with the query planner, its primary operation opened on the owning subgraph through
 * the shared upstream connections, and the rest of the plan run per event with the gateway's
 * own execution. docs/2026-12-02-gateway-subscriptions.md; shared/DESIGN.md §8.
 */
export function createGatewaySubscriptions(options: {
  planner: () => SubscriptionPlanner | undefined;
  sources: () => ReadonlyMap<string, SubgraphDataSource>;
  executor: EventExecutor;
  upstream: UpstreamSubscriptions;
  accessTokens: AccessTokenVerifier;
  revoked: RevokedSessions;
  trustProxy: number;
  limits: OperationLimits;
  settings: SubscriptionSettings;
  logger: Logger;
}) {
  const { settings, logger } = options;
  const wss = new WebSocketServer({ noServer: true });
  const connections = new ClientConnections({
    accessTokens: options.accessTokens,
    revoked: options.revoked,
    trustProxy: options.trustProxy,
    maxPerUser: settings.maxConnectionsPerUser,
  });
  const fanout = new SubscriptionFanout(options.upstream, logger);
  const prepared = new WeakMap<object, Prepared>();
  const refuse = (message: string, code: string, more: Record<string, unknown> = {}) => [
    new GraphQLError(message, { extensions: { code, ...more } }),
  ];

  const server = useServer<
    Record<string, unknown> | undefined,
    { socket: WebSocket; request: IncomingMessage }
  >(
    {
      connectionInitWaitTimeout: 5_000,
      onConnect: (ctx) =>
        connections.open(ctx.extra.socket, ctx.extra.request, ctx.connectionParams),
      onClose: (ctx) => connections.close(ctx.extra.socket),
      onSubscribe(ctx, id, payload) {
        const connection = connections.get(ctx.extra.socket);
        const planner = options.planner();
        if (!connection) return refuse('The connection is not authenticated.', 'UNAUTHENTICATED');
        if (!planner) return refuse('The gateway is starting; try again shortly.', 'UNAVAILABLE');
        const variables = payload.variables ?? {};
        const operationName = payload.operationName ?? undefined;
        const screening = screenOperation(
          { query: payload.query, variables, operationName },
          planner.schema,
          options.limits,
          'websocket',
        );
        if (screening.refusal)
          return [
            new GraphQLError(screening.refusal.message, {
              extensions: screening.refusal.extensions,
            }),
          ];
        if (connection.subscriptions.size >= settings.maxPerConnection) {
          return refuse(
            `At most ${settings.maxPerConnection} subscriptions per connection.`,
            'TOO_MANY_REQUESTS',
            { limit: 'subscriptionsPerConnection', max: settings.maxPerConnection },
          );
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: options.limits.tokens });
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError('Syntax error')];
        }
        let invalid: readonly GraphQLError[];
        try {
          invalid = validate(planner.schema, document);
        } catch (error) {
          // graphql-js throws, not reports, for a root field under @include/@skip($variable).
          return refuse(
            error instanceof GraphQLError ? error.message : 'Invalid operation',
            'GRAPHQL_VALIDATION_FAILED',
          );
        }
        if (invalid.length) return invalid;
        const operation = getOperationAST(document, operationName);
        if (!operation) return refuse('No operation to run.', 'BAD_REQUEST');
        if (conditionalRoot(operation.selectionSet, document))
          return refuse(
            "A subscription's root field cannot be under @skip or @include.",
            'GRAPHQL_VALIDATION_FAILED',
          );
        // graphql-ws does not coerce variables when `subscribe` is replaced.
        const coerced = getVariableValues(
          planner.schema,
          operation.variableDefinitions ?? [],
          variables,
        );
        if (coerced.errors) return coerced.errors;
        let plan;
        try {
          plan = planner.plan(document, payload.query, operationName);
        } catch (error) {
          logger.error({ err: error }, 'subscription: planning failed');
          return refuse('Internal server error', 'INTERNAL_SERVER_ERROR');
        }
        const request = {
          query: payload.query,
          ...(operationName ? { operationName } : {}),
          variables: coerced.coerced,
        };
        const execution: EventExecution = {
          planner,
          plan,
          executor: options.executor,
          operationContext: buildOperationContext({
            schema: planner.schema,
            operationDocument: document,
            ...(operationName ? { operationName } : {}),
          }),
          request,
          sources: options.sources,
          // No per-request failure summary: a subscription has no end to log it at, so the data
          // source logs each unreachable subgraph itself.
          context: { identity: connection.identity },
          logger: logger.child({ requestId: connection.identity.requestId }),
        };
        connection.subscriptions.add(id);
        const contextValue = {};
        prepared.set(contextValue, { execution, connection });
        const args: ExecutionArgs = {
          schema: planner.schema,
          document,
          variableValues: coerced.coerced,
          contextValue,
          ...(operationName ? { operationName } : {}),
        };
        return args;
      },
      subscribe(args) {
        const entry = prepared.get(args.contextValue as object);
        if (!entry) throw new Error('subscription without a prepared plan');
        const { connection, execution } = entry;
        return fanout.subscribe(connection.identity, execution, {
          max: settings.queueSize,
          onOverflow: () => connection.socket.close(CLOSE_TOO_SLOW, 'Client too slow'),
        });
      },
      execute() {
        // onSubscribe refuses everything but subscriptions over WebSocket.
        return { errors: [new GraphQLError('Only subscriptions are served over WebSocket.')] };
      },
      onComplete(ctx, id) {
        connections.get(ctx.extra.socket)?.subscriptions.delete(id);
      },
      onError(_ctx, _id, _payload, errors) {
        return errors.map((error) => masked(error));
      },
    },
    wss,
  );

  return {
    fanout,
    upgrade(req: IncomingMessage, socket: Socket, head: Buffer) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    /** Client sockets open now. */
    get connections(): number {
      return wss.clients.size;
    },
    async stop() {
      for (const client of wss.clients) client.close(CLOSE_SERVER_STOPPING, 'Server stopping');
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/**
 * Whether a root field of the subscription is under @skip/@include, on itself or on a fragment
 * around it: the spec forbids it (its event stream would depend on a variable), graphql-js 16
 * does not check it, and the query planner fails on a root field skipped away.
 */
function conditionalRoot(selectionSet: SelectionSetNode, document: DocumentNode): boolean {
  return selectionSet.selections.some((selection) => {
    if (selection.directives?.some(({ name }) => name.value === 'skip' || name.value === 'include'))
      return true;
    if (selection.kind === Kind.INLINE_FRAGMENT)
      return conditionalRoot(selection.selectionSet, document);
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = document.definitions.find(
        (definition) =>
          definition.kind === Kind.FRAGMENT_DEFINITION &&
          definition.name.value === selection.name.value,
      );
      return fragment?.kind === Kind.FRAGMENT_DEFINITION
        ? conditionalRoot(fragment.selectionSet, document)
        : false;
    }
    return false;
  });
}
