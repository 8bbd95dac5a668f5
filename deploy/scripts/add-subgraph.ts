// The four additions a new subgraph needs in deploy/kubernetes (README.md "Add a subgraph"),
// made for you:  npm run add-subgraph -w @jobber/deploy -- <name>
// Its own secrets and settings are still yours to add (a deployment-patch.yaml in its folder).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `orders` → `ORDERS` (what jobber-db reads: `<PREFIX>_DATABASE_URL`). */
export function variablePrefix(name: string): string {
  return name.toUpperCase();
}

/** Inserts `line` after the last line matching `after` (keeps the list's order and indent). */
function insertAfterLast(text: string, after: RegExp, line: string, file: string): string {
  const lines = text.split('\n');
  const index = lines.findLastIndex((candidate) => after.test(candidate));
  if (index < 0) throw new Error(`${file}: no line matching ${after}`);
  lines.splice(index + 1, 0, line);
  return lines.join('\n');
}

export function addSubgraph(kubernetesDir: string, name: string): string[] {
  // One word: it is also part of the database and role name (jobber_<name>).
  if (!/^[a-z][a-z0-9]*$/.test(name)) throw new Error(`not a subgraph name: ${name}`);
  const prefix = variablePrefix(name);
  const folder = join(kubernetesDir, 'base', 'subgraphs', name);
  if (existsSync(folder)) throw new Error(`${folder} exists already`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'kustomization.yaml'),
    [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      '  - subgraph.yaml',
      'components:',
      '  - ../../subgraph',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(folder, 'subgraph.yaml'),
    [
      '# Which subgraph this folder is: ../../subgraph writes these into its resources. Never applied.',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: subgraph',
      '  annotations:',
      "    config.kubernetes.io/local-config: 'true'",
      'data:',
      `  name: ${name}`,
      `  # jobber-db reads ${prefix}_DATABASE_URL.`,
      `  variablePrefix: ${prefix}`,
      '',
    ].join('\n'),
  );
  const edits: [string, (text: string, file: string) => string][] = [
    [
      join(kubernetesDir, 'base', 'kustomization.yaml'),
      (text, file) => insertAfterLast(text, /^ {2}- subgraphs\//, `  - subgraphs/${name}`, file),
    ],
    [
      join(kubernetesDir, 'base', 'gateway', 'kustomization.yaml'),
      (text, file) =>
        insertAfterLast(
          text,
          /^ {6}- [A-Z0-9_]+_URL=/,
          `      - ${prefix}_URL=http://${name}:4000/graphql`,
          file,
        ),
    ],
    [
      join(kubernetesDir, 'base', 'postgres', 'cluster.yaml'),
      (text) =>
        `${text.trimEnd()}\n      - name: jobber_${name}\n        login: true\n        passwordSecret: { name: ${name}-database }\n`,
    ],
  ];
  for (const [file, edit] of edits) writeFileSync(file, edit(readFileSync(file, 'utf8'), file));
  return [folder, ...edits.map(([file]) => file)];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const name = process.argv[2];
  if (!name) {
    console.error('usage: npm run add-subgraph -w @jobber/deploy -- <name>');
    process.exit(1);
  }
  const changed = addSubgraph(fileURLToPath(new URL('../kubernetes/', import.meta.url)), name);
  console.log(`changed:\n${changed.map((file) => `  ${file}`).join('\n')}`);
  console.log(
    `next: its own variables in base/subgraphs/${name}/ (README.md "Add a subgraph"), and` +
      ` "@jobber/${name}": "*" in deploy/package.json's devDependencies; then npm test -w @jobber/deploy`,
  );
}
