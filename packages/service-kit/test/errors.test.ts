import { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createErrorMasker, errorLogging, errors, maskError, type Logger } from '../src/index.js';

describe('no database capacity', () => {
  const mask = createErrorMasker({ subgraph: 'auth' });
  const internal = {
    message: 'x',
    path: ['signUp'],
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
  const poolTimeout = new Error('timeout exceeded when trying to connect');
  const unreachableInRawQuery = Object.assign(new Error('Raw query failed'), {
    code: 'P2010',
    meta: { driverAdapterError: { cause: { kind: 'DatabaseNotReachable' } } },
  });

  it('is a retryable UNAVAILABLE naming the subgraph, for every way Prisma and pg say it', () => {
    const causes = [
      ...['P2028', 'P2024', 'P1001', 'P1002'].map((code) =>
        Object.assign(new Error(`prisma ${code} at 10.0.0.5`), { code }),
      ),
      poolTimeout,
      unreachableInRawQuery,
    ];
    for (const cause of causes) {
      expect(
        mask(internal, new GraphQLError('x', { originalError: cause, path: ['signUp'] })),
      ).toEqual({
        message: 'The service is busy right now; please try again shortly.',
        path: ['signUp'],
        extensions: { code: 'UNAVAILABLE', retryable: true, subgraph: 'auth' },
      });
    }
  });

  it('is not claimed for other database errors', () => {
    const unique = Object.assign(new Error('unique'), { code: 'P2002' });
    expect(mask(internal, unique).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it('can be raised by domain code too (a search index down), still naming the subgraph', () => {
    expect(mask(internal, errors.unavailable()).extensions).toEqual({
      code: 'UNAVAILABLE',
      retryable: true,
      subgraph: 'auth',
    });
  });
});

describe('maskError', () => {
  it('turns an AppError into its code, message and fields', () => {
    const original = errors.badUserInput('Bad email', [{ field: 'email', message: 'Bad email' }]);
    const formatted = maskError(
      { message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      original,
    );
    expect(formatted).toEqual({
      message: 'Bad email',
      extensions: {
        code: 'BAD_USER_INPUT',
        field: 'email',
        fields: [{ field: 'email', message: 'Bad email' }],
      },
    });
  });

  it('hides unexpected errors and internal-error messages', () => {
    const boom = new Error('connect ECONNREFUSED 10.0.0.5:5432');
    const formatted = maskError(
      { message: boom.message, path: ['viewer'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      boom,
    );
    expect(formatted).toEqual({
      message: 'Internal server error',
      path: ['viewer'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('passes known codes through without stack traces', () => {
    const formatted = maskError(
      { message: 'Not allowed', extensions: { code: 'FORBIDDEN', stacktrace: ['at x'] } },
      new GraphQLError('Not allowed'),
    );
    expect(formatted).toEqual({ message: 'Not allowed', extensions: { code: 'FORBIDDEN' } });
  });
});

describe('errorLogging', () => {
  it("logs internal errors with the request's logger, and not the ones clients may see", async () => {
    const lines: Record<string, unknown>[] = [];
    const base = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const server = new ApolloServer<{ logger: Logger }>({
      typeDefs: 'type Query { broken: Int, refused: Int }',
      resolvers: {
        Query: {
          broken: () => {
            throw new Error('db password is hunter2');
          },
          refused: () => {
            throw errors.forbidden();
          },
        },
      },
      formatError: maskError,
      plugins: [errorLogging<{ logger: Logger }>((context) => context.logger)],
    });
    const response = await server.executeOperation(
      { query: '{ broken refused }' },
      { contextValue: { logger: base.child({ requestId: 'req-7' }) } },
    );
    expect(response.body.kind === 'single' && response.body.singleResult.errors).toEqual([
      expect.objectContaining({ message: 'Internal server error', path: ['broken'] }),
      expect.objectContaining({ message: 'You are not allowed to do this.', path: ['refused'] }),
    ]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      requestId: 'req-7',
      path: ['broken'],
      err: { message: 'db password is hunter2' },
    });
    await server.stop();
  });
});
