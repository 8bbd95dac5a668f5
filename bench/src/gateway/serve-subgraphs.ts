// The four workload subgraphs in this process, each on a port of its own on 127.0.0.1 (plain
// node:http + graphql-js, keep-alive). Prints one JSON line {name: url} once all listen.
// Usage: tsx serve-subgraphs.ts
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execute, parse, validate, type DocumentNode } from 'graphql';
import { workloadSubgraphs, type WorkloadSubgraph } from './workload-subgraphs.js';

function serve({ schema }: WorkloadSubgraph): Server {
  const documents = new Map<string, DocumentNode>();
  return createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          query: string;
          variables?: Record<string, unknown>;
          operationName?: string;
        };
        let document = documents.get(body.query);
        if (!document) {
          document = parse(body.query);
          const errors = validate(schema, document);
          if (errors.length > 0) {
            response.writeHead(400, { 'content-type': 'application/json' });
            response.end(JSON.stringify({ errors }));
            return;
          }
          documents.set(body.query, document);
        }
        const result = await execute({
          schema,
          document,
          variableValues: body.variables ?? null,
          operationName: body.operationName ?? null,
        });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(result));
      })().catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ errors: [{ message: String(error) }] }));
      });
    });
  });
}

const urls: Record<string, string> = {};
const servers: Server[] = [];
for (const subgraph of workloadSubgraphs) {
  const server = serve(subgraph);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  urls[subgraph.name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}
console.log(JSON.stringify(urls));
const stop = () => {
  for (const server of servers) {
    server.close();
    server.closeAllConnections();
  }
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
