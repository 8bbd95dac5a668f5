import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed resolvers from this subgraph's SDL (`npm run generate`; output is not committed).
const config: CodegenConfig = {
  schema: 'src/schema.graphql',
  generates: {
    'src/generated/graphql.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useTypeImports: true,
        enumsAsTypes: true,
        contextType: '../context.js#ReviewsContext',
        scalars: { DateTime: 'Date', ID: 'string' },
        mappers: {
          User: '../records.js#UserReference',
          Gig: '../records.js#GigReference',
          Order: '../records.js#OrderReference',
          Review: '../records.js#ReviewRecord',
          ReviewConnection: '../pages.js#ReviewPage',
          ReviewEdge: '../pages.js#ReviewPageEdge',
        },
      },
    },
  },
};
export default config;
