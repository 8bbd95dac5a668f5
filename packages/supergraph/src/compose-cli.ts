import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { composeSupergraph } from './compose.js';
import { apiSchemaFile, supergraphFile } from './subgraphs.js';

/** `npm run compose` writes schema/*.graphql; `npm run compose -- --check` fails when they are stale. */
const check = process.argv.includes('--check');
const composed = composeSupergraph();
const targets = [
  [supergraphFile, composed.supergraph],
  [apiSchemaFile, composed.api],
] as const;

let stale = 0;
let written = 0;
for (const [file, content] of targets) {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (current === content) continue;
  if (check) {
    console.error(`${file} is out of date: run \`npm run compose\``);
    stale++;
  } else {
    writeFileSync(file, content);
    written++;
    console.log(`wrote ${file}`);
  }
}
if (stale === 0 && written === 0) console.log('schema/ is up to date');
process.exitCode = stale ? 1 : 0;
