import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

/** Reads a subgraph's SDL file (`new URL('./schema.graphql', import.meta.url)`). */
export function loadTypeDefs(file: URL): DocumentNode {
  return parse(readFileSync(file, 'utf8'));
}
