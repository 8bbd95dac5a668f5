import type { z } from 'zod';
import { AppError, ErrorCode, type FieldProblem } from './errors.js';

/**
 * Bad user input: a `BAD_USER_INPUT` error whose `extensions.field` names the first field that
 * failed and `extensions.fields` lists every problem, by path (`email`, `skills.2`).
 */
export class InputError extends AppError {
  constructor(readonly issues: readonly FieldProblem[]) {
    super(
      ErrorCode.BadUserInput,
      issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '),
      { field: issues[0]?.field, fields: issues },
    );
    this.name = 'InputError';
  }

  /** The distinct field names, in the order they failed. */
  get fields(): string[] {
    return [...new Set(this.issues.map((issue) => issue.field))];
  }
}

/**
 * Validates and normalises input at the boundary of the domain rules, or throws `InputError`.
 * `field` names the value itself when a bare field schema is used
 * (`parseInput(passwordSchema, raw, 'newPassword')`).
 */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, field = 'input'): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InputError(
    result.error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.map(String).join('.') : field,
      message: issue.message,
    })),
  );
}
