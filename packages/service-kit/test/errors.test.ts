import { GraphQLError } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { errors, maskError } from '../src/index.js';

describe('maskError', () => {
  it('turns an AppError into its code, message and fields', () => {
    const original = errors.badUserInput('Bad email', [{ field: 'email', message: 'Bad email' }]);
    const formatted = maskError(
      { message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      vi.fn(),
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

  it('hides unexpected errors (and internal-error messages) and reports them', () => {
    const onInternal = vi.fn();
    const boom = new Error('connect ECONNREFUSED 10.0.0.5:5432');
    const formatted = maskError(
      { message: boom.message, path: ['viewer'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      onInternal,
      boom,
    );
    expect(formatted).toEqual({
      message: 'Internal server error',
      path: ['viewer'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(onInternal).toHaveBeenCalledOnce();
  });

  it('passes known codes through without stack traces', () => {
    const formatted = maskError(
      { message: 'Not allowed', extensions: { code: 'FORBIDDEN', stacktrace: ['at x'] } },
      vi.fn(),
      new GraphQLError('Not allowed'),
    );
    expect(formatted).toEqual({ message: 'Not allowed', extensions: { code: 'FORBIDDEN' } });
  });
});
