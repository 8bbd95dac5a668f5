import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { runNode, type CliResult } from './prisma6-offline.js';

export interface GenerateOptions {
  /** `prisma/<subgraph>`: holds schema.prisma and (usually) prisma.config.ts. */
  dir: string;
  /** The repository root, whose node_modules holds the Prisma 7 CLI. */
  repoRoot: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** `prisma generate` with the Prisma 7 CLI, offline. */
export async function generateClient(options: GenerateOptions): Promise<CliResult> {
  const cli = prisma7Cli(options.repoRoot);
  const schemaPath = join(options.dir, 'schema.prisma');
  if (!existsSync(schemaPath)) throw new Error(`No schema.prisma in ${options.dir}`);
  const configPath = join(options.dir, 'prisma.config.ts');
  const target = existsSync(configPath) ? ['--config', configPath] : ['--schema', schemaPath];
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env)) {
    if (value !== undefined) env[key] = value;
  }
  // Every Prisma 7 command wants to download the schema engine unless this names an existing
  // file; `generate` never runs it.
  env.PRISMA_SCHEMA_ENGINE_BINARY = schemaPath;
  env.CHECKPOINT_DISABLE = '1';
  env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
  return runNode([cli, 'generate', ...target], options.dir, env, 120_000);
}

function prisma7Cli(repoRoot: string): string {
  const fromRoot = createRequire(join(repoRoot, 'package.json'));
  const manifest: unknown = fromRoot('prisma/package.json');
  const version =
    typeof manifest === 'object' && manifest !== null && 'version' in manifest
      ? String(manifest.version)
      : '';
  if (!version.startsWith('7.')) {
    throw new Error(
      `Expected the Prisma 7 CLI in ${repoRoot}/node_modules/prisma, found ${version}`,
    );
  }
  return fromRoot.resolve('prisma/build/index.js');
}
