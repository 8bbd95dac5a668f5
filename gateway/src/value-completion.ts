import { GraphQLError } from 'graphql';
import { ApolloGateway, type GatewayConfig } from '@apollo/gateway';

type Executor = ApolloGateway['executor'];
type ExecutionResult = Awaited<ReturnType<Executor>>;

/**
 * `@apollo/gateway` reports a non-null field it could not complete (a subgraph answered null
 * where the schema promises a value, with no error) only in `extensions.valueCompletion`, so a
 * client sees `data: null` and no error. This moves each into `errors`, at its path, as an
 * internal error: the client gets `INTERNAL_SERVER_ERROR` (the message is masked), and the
 * details are logged with the request id (errorLogging). A missing entity never gets here: the
 * subgraph data source reports it as NOT_FOUND first (missing-entities.ts).
 */
export function reportValueCompletion(result: ExecutionResult): ExecutionResult {
  const { valueCompletion, ...extensions } = result.extensions ?? {};
  if (!Array.isArray(valueCompletion) || valueCompletion.length === 0) return result;
  const errors = valueCompletion.map((problem: unknown) => {
    const original = problem instanceof Error ? problem : new Error(String(problem));
    return new GraphQLError(original.message, {
      path: problem instanceof GraphQLError ? problem.path : undefined,
      originalError: original,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });
  const { extensions: _reported, ...rest } = result;
  return {
    ...rest,
    errors: [...(result.errors ?? []), ...errors],
    ...(Object.keys(extensions).length ? { extensions } : {}),
  };
}

/** ApolloGateway whose results carry every value-completion failure in `errors`. */
export class ReportingGateway extends ApolloGateway {
  constructor(config: GatewayConfig) {
    super(config);
    const execute: Executor = this.executor;
    this.executor = async (requestContext) => reportValueCompletion(await execute(requestContext));
  }
}
