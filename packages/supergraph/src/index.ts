export { composeSupergraph, type ComposedSchemas } from './compose.js';
export {
  apiSchemaFile,
  defaultSubgraphUrl,
  repoRoot,
  sdlFile,
  subgraphs,
  supergraphFile,
  type SubgraphName,
} from './subgraphs.js';
