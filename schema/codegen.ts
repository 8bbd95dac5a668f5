import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents for TypeScript clients from the client contract: schema/api.graphql and the
// example operations in schema/operations/ (`npm run generate`; output is not committed).
// Apollo iOS and Apollo Kotlin read the same two inputs (schema/README.md).
const config: CodegenConfig = {
  schema: 'api.graphql',
  documents: 'operations/**/*.graphql',
  // `./graphql.js`, not `./graphql`: the output is compiled as NodeNext ESM.
  emitLegacyCommonJSImports: false,
  generates: {
    'generated/client/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false, gqlTagName: 'graphql' },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { DateTime: 'string', SafeInt: 'number' },
        // Absent optional variables may be left out, as a client would.
        avoidOptionals: false,
      },
    },
  },
};
export default config;
