import { readFileSync, writeFileSync } from 'node:fs';
import { apiFile, intendedChangesFile, releaseBaselineFile } from './api-baselines.js';

/**
 * `npm run schema:baseline`, at a release: the current contract becomes the baseline that later
 * changes are checked against, and the intended breaking changes (released now) are cleared.
 */
const header =
  '# Client API as last released: written by `npm run schema:baseline` from api.graphql. Do not edit.';
const api = readFileSync(apiFile, 'utf8').replace(/^#[^\n]*\n/, '');
writeFileSync(releaseBaselineFile, `${header}\n${api}`);
writeFileSync(intendedChangesFile, `${JSON.stringify({ changes: [] }, null, 2)}\n`);
console.log(
  'schema/api.baseline.graphql is now schema/api.graphql; intended-changes.json is empty',
);
