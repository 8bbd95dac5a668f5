import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Supergraph } from '@apollo/federation-internals';
import {
  execute,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  type GraphQLTypeResolver,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { SyntheticData, type SyntheticNode } from './synthetic-data.js';

/** Events each subscription of a synthetic subgraph sends before it completes. */
export const EVENTS_PER_SUBSCRIPTION = 3;

/** One synthetic subgraph: the real subgraph's schema (from the supergraph), generated data. */
export interface SyntheticSubgraph {
  name: string;
  url: string;
  /** Requests answered so far (a fetch count for the summary). */
  requests: () => number;
  /** Of those, requests of several entity fetches merged into one (the jobber executor's waves). */
  mergedRequests: () => number;
  close: () => Promise<void>;
}

/**
 * Every subgraph of `supergraphSdl` served on 127.0.0.1 with deterministic data
 * (synthetic-data.ts). `_entities` is resolved here: the representation's key is the entity's
 * identity. The internal credential the gateway sends is ignored. Subscriptions are served over
 * graphql-ws on the same /graphql: each sends EVENTS_PER_SUBSCRIPTION events, the k-th the
 * operation executed on a root of its own (`Subscription#k`), then completes.
 */
export async function startSyntheticSubgraphs(supergraphSdl: string): Promise<SyntheticSubgraph[]> {
  const supergraph = Supergraph.build(supergraphSdl);
  const started: SyntheticSubgraph[] = [];
  for (const subgraph of supergraph.subgraphs()) {
    const entityTypes = new Set(
      subgraph.schema
        .types()
        .filter((type) => type.appliedDirectivesOf('key').length > 0)
        .map((type) => type.name),
    );
    started.push(await serve(subgraph.name, subgraph.schema.toGraphQLJSSchema(), entityTypes));
  }
  return started;
}

async function serve(
  name: string,
  schema: GraphQLSchema,
  entityTypes: ReadonlySet<string>,
): Promise<SyntheticSubgraph> {
  const data = new SyntheticData(schema, entityTypes);
  const documents = new Map<string, DocumentNode | readonly Error[]>();
  let requests = 0;
  let mergedRequests = 0;

  const fieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, _context, info) => {
    if (info.fieldName === '_service') return { sdl: '' };
    if (info.fieldName === '_entities') {
      const representations = (args as { representations: SyntheticNode[] }).representations;
      return representations.map((representation) =>
        data.entity(representation.__typename, String(representation['id'])),
      );
    }
    const parent =
      source && typeof source === 'object' && '__typename' in source
        ? (source as SyntheticNode)
        : { __typename: info.parentType.name, __id: info.parentType.name };
    if (info.fieldName in parent && info.fieldName !== 'id') return parent[info.fieldName];
    return data.field(parent, info.fieldName, args, info.returnType);
  };
  const typeResolver: GraphQLTypeResolver<unknown, unknown> = (value) =>
    (value as SyntheticNode).__typename;

  const server: Server = createServer((req, res) => {
    void (async () => {
      requests += 1;
      const body = JSON.parse(await readBody(req)) as {
        query: string;
        variables?: Record<string, unknown>;
        operationName?: string;
      };
      if (body.operationName?.includes('__merged')) mergedRequests += 1;
      let document = documents.get(body.query);
      if (!document) {
        const parsed = parse(body.query);
        const errors = validate(schema, parsed);
        document = errors.length ? errors : parsed;
        documents.set(body.query, document);
      }
      const result =
        'kind' in document
          ? await execute({
              schema,
              document,
              variableValues: body.variables ?? {},
              operationName: body.operationName ?? null,
              rootValue: null,
              fieldResolver,
              typeResolver,
            })
          : { errors: document };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(result));
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  const sockets = new WebSocketServer({ server, path: '/graphql' });
  useServer(
    {
      schema,
      async *subscribe(args) {
        for (let k = 0; k < EVENTS_PER_SUBSCRIPTION; k++) {
          const root: SyntheticNode = { __typename: 'Subscription', __id: `Subscription#${k}` };
          yield await execute({ ...args, rootValue: root, fieldResolver, typeResolver });
        }
      },
    },
    sockets,
  );
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${port}/graphql`,
    requests: () => requests,
    mergedRequests: () => mergedRequests,
    close: () =>
      new Promise((done) => {
        for (const socket of sockets.clients) socket.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
