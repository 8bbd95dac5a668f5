export { composeSupergraph, type ComposedSchemas, type ExtraSubgraph } from './compose.js';
export {
  apiSchemaFile,
  defaultSubgraphUrl,
  repoRoot,
  sdlFile,
  subgraphs,
  supergraphFile,
  type SubgraphName,
} from './subgraphs.js';
