import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';
import type { LimitExceeded, OperationLimits } from './operation-limits.js';

const opening = new Set<TokenKind>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const closing = new Set<TokenKind>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * Bracket nesting the parser may see: graphql-js parses recursively, and a few thousand `{`
 * overflow its stack. Selections nest one bracket per level, arguments and input objects a few.
 */
export function maxBracketNesting(limits: OperationLimits): number {
  return 2 * Math.max(limits.depth, limits.introspectionDepth) + 10;
}

/**
 * One pass of the lexer over the query text, stopping at the first limit passed: its tokens
 * and its bracket nesting, before the (recursive) parser runs. Syntax errors are left to the
 * parser, which reports them with their position.
 */
export function checkSource(query: string, limits: OperationLimits): LimitExceeded | undefined {
  const lexer = new Lexer(new Source(query));
  const maxNesting = maxBracketNesting(limits);
  let tokens = 0;
  let nesting = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++tokens > limits.tokens) return { limit: 'tokens', max: limits.tokens };
      if (opening.has(token.kind) && ++nesting > maxNesting) {
        return { limit: 'depth', max: limits.depth };
      }
      if (closing.has(token.kind)) nesting--;
    }
  } catch (error) {
    if (error instanceof GraphQLError) return undefined;
    throw error;
  }
  return undefined;
}
