import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { workloadSubgraphs } from './workload-subgraphs.js';

/** The workload's supergraph SDL, with each subgraph at the URL given. */
export function composeWorkload(urls: Record<string, string>): string {
  const result = composeServices(
    workloadSubgraphs.map(({ name, typeDefs }) => ({
      name,
      url: urls[name] ?? `http://127.0.0.1/${name}`,
      typeDefs: parse(typeDefs),
    })),
  );
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
}
