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
        contextType: '../context.js#NotificationsContext',
        scalars: { DateTime: 'Date', ID: 'string' },
        mappers: {
          Notification: '../records.js#NotificationRecord',
          NotificationConnection: '../pages.js#NotificationPage',
          NotificationEdge: '../pages.js#NotificationPageEdge',
          NotificationPreference: '../records.js#PreferenceRecord',
          DevMail: '../records.js#DevMailRecord',
        },
      },
    },
  },
};
export default config;
