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
        contextType: '../context.js#UsersContext',
        scalars: { DateTime: 'Date', ID: 'string', SafeInt: 'number' },
        mappers: {
          User: '../profiles.js#UserReference',
          BuyerProfile: '../profiles.js#BuyerRecord',
          SellerProfile: '../profiles.js#SellerRecord',
          SellerConnection: '../profiles.js#SellerPage',
          SellerEdge: '../profiles.js#SellerPageEdge',
        },
      },
    },
  },
};
export default config;
