/**
 * Rewrites a Prisma 7 schema for the Prisma 6 CLI: generator blocks removed (Prisma 6 must not
 * overwrite the Prisma 7 client) and `url = env("DATABASE_URL")` put in the datasource block
 * (Prisma 7 rejects a url there; Prisma 6 requires one, even though the adapter is what connects).
 */
export function toPrisma6Schema(source: string): string {
  const out: string[] = [];
  let block: 'none' | 'generator' | 'datasource' = 'none';
  let sawDatasource = false;
  for (const line of source.split(/\r?\n/)) {
    if (block === 'none' && /^\s*generator\s+\w+\s*\{/.test(line)) {
      if (!/\}\s*$/.test(line)) block = 'generator';
      continue;
    }
    if (block === 'generator') {
      if (/^\s*\}/.test(line)) block = 'none';
      continue;
    }
    if (block === 'none' && /^\s*datasource\s+\w+\s*\{\s*$/.test(line)) {
      block = 'datasource';
      sawDatasource = true;
      out.push(line, '  url = env("DATABASE_URL")');
      continue;
    }
    if (block === 'datasource') {
      if (/^\s*\}/.test(line)) block = 'none';
      else if (/^\s*(url|directUrl|shadowDatabaseUrl)\s*=/.test(line)) continue;
    }
    out.push(line);
  }
  if (!sawDatasource) throw new Error('The schema has no `datasource <name> {` block');
  return out.join('\n');
}
