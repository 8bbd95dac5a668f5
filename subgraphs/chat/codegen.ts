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
        contextType: '../context.js#ChatContext',
        scalars: { DateTime: 'Date', ID: 'string' },
        mappers: {
          User: '../records.js#UserReference',
          Gig: '../records.js#GigReference',
          Conversation: '../records.js#ConversationRecord',
          Message: '../records.js#MessageRecord',
          Offer: '../records.js#OfferRecord',
          ConversationConnection: '../pages.js#ConversationPage',
          ConversationEdge: '../pages.js#ConversationPageEdge',
          MessageConnection: '../pages.js#MessagePage',
          MessageEdge: '../pages.js#MessagePageEdge',
          TypingEvent: '../live.js#TypingSignal',
          PresenceEvent: '../live.js#PresenceSignal',
        },
      },
    },
  },
};
export default config;
