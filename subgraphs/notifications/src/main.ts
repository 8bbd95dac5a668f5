import { runSubgraph } from '@jobber/service-kit';
import { subgraph } from './service.js';

await runSubgraph(subgraph);
