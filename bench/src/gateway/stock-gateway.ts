// Stock @apollo/gateway 2.14 on @apollo/server (standalone), the baseline of the workload.
// Usage: tsx stock-gateway.ts <supergraph file> <port>; prints "ready" when it listens.
import { readFileSync } from 'node:fs';
import { disableApolloTelemetry } from '../config.js';

// Before the gateway is constructed (or even loaded): no telemetry, nothing leaves 127.0.0.1.
disableApolloTelemetry();
const { ApolloGateway } = await import('@apollo/gateway');
const { ApolloServer } = await import('@apollo/server');
const { startStandaloneServer } = await import('@apollo/server/standalone');

const [supergraphPath, port] = process.argv.slice(2);
const gateway = new ApolloGateway({ supergraphSdl: readFileSync(supergraphPath ?? '', 'utf8') });
const server = new ApolloServer({ gateway, csrfPrevention: false, introspection: false });
await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: Number(port) } });
console.log('ready');
const stop = () => void server.stop().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
