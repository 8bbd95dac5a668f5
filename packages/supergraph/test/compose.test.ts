import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeSupergraph } from '../src/compose.js';
import { apiSchemaFile, sdlFile, supergraphFile } from '../src/subgraphs.js';

describe('schema/ drift', () => {
  it('schema/supergraph.graphql and schema/api.graphql match the subgraph SDL files (run `npm run compose`)', () => {
    const composed = composeSupergraph();
    expect(readFileSync(supergraphFile, 'utf8')).toBe(composed.supergraph);
    expect(readFileSync(apiSchemaFile, 'utf8')).toBe(composed.api);
  });

  it('is deterministic', () => {
    expect(composeSupergraph()).toEqual(composeSupergraph());
  });

  it('notices a subgraph SDL change that was not recomposed', () => {
    const changed =
      readFileSync(sdlFile('auth'), 'utf8') + '\nextend type Query { driftProbe: Boolean }\n';
    const composed = composeSupergraph({ auth: changed });
    expect(composed.supergraph).not.toBe(readFileSync(supergraphFile, 'utf8'));
    expect(composed.api).toContain('driftProbe');
  });

  it('names the problem when composition fails', () => {
    expect(() => composeSupergraph({ auth: 'type Query { broken: Nope }' })).toThrow(
      /Composition failed/,
    );
  });
});
