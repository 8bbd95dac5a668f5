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
        contextType: '../context.js#OrdersContext',
        scalars: { DateTime: 'Date', ID: 'string' },
        mappers: {
          User: '../records.js#UserReference',
          Gig: '../records.js#GigReference',
          Order: '../records.js#OrderRecord',
          Delivery: '../records.js#DeliveryRecord',
          RevisionRequest: '../records.js#RevisionRecord',
          ExtensionRequest: '../records.js#ExtensionRecord',
          CancellationRequest: '../records.js#CancellationRecord',
          TimelineEntry: '../records.js#TimelineRecord',
          Payment: '../records.js#PaymentRecord',
          OrderConnection: '../pages.js#OrderPage',
          OrderEdge: '../pages.js#OrderPageEdge',
          OrderPayment: '../records.js#OrderPaymentRecord',
        },
      },
    },
  },
};
export default config;
