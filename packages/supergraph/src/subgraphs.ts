import { fileURLToPath } from 'node:url';

/**
 * The one list of subgraphs. Composition, the gateway's URL configuration and the test kit
 * read it; nothing else names the subgraphs. Adding a subgraph starts here.
 */
export const subgraphs = [
  { name: 'auth', port: 4001 },
  { name: 'users', port: 4002 },
  { name: 'gigs', port: 4003 },
  { name: 'chat', port: 4004 },
  { name: 'orders', port: 4005 },
  { name: 'reviews', port: 4006 },
  { name: 'notifications', port: 4007 },
] as const;

export type SubgraphName = (typeof subgraphs)[number]['name'];

/** src/ and dist/ are both two levels below packages/supergraph, three below the repository. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export function sdlFile(name: SubgraphName): string {
  return `${repoRoot}subgraphs/${name}/src/schema.graphql`;
}

/** Where the subgraph listens when nothing else is configured (development). */
export function defaultSubgraphUrl(name: SubgraphName): string {
  const entry = subgraphs.find((subgraph) => subgraph.name === name);
  if (!entry) throw new Error(`unknown subgraph ${name}`);
  return `http://127.0.0.1:${entry.port}/graphql`;
}

export const supergraphFile = `${repoRoot}schema/supergraph.graphql`;
export const apiSchemaFile = `${repoRoot}schema/api.graphql`;
