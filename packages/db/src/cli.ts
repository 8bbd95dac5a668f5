import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  FAILED,
  OK,
  checkCommand,
  createCommand,
  deployCommand,
  generateCommand,
  statusCommand,
  type CommandContext,
} from './commands.js';
import { loadConfig } from './config.js';
import { repoRoot } from './paths.js';

export const USAGE = `Usage: jobber-db <command> [--prisma-dir <dir>]

  generate [subgraph...]            prisma generate (Prisma 7 client) for each subgraph
  migrate deploy [subgraph...]      apply pending migrations (creates the databases)
  migrate create <subgraph> <name>  new migration with the SQL schema.prisma needs
  migrate check [subgraph...]       exit 2 when schema.prisma and migrations differ (CI)
  migrate status [subgraph...]      applied / pending migrations per database

Subgraphs are the folders of <repo>/prisma (or --prisma-dir); no subgraph means all of them.
Database of a subgraph: <SUBGRAPH>_DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/jobber_<subgraph>. See packages/db/README.md.`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Environment overrides on top of process.env (tests pass database URLs here). */
  env?: Record<string, string | undefined>;
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Runs one `jobber-db` command; resolves to the process exit code. */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { 'prisma-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return FAILED;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help === true || command === undefined) {
    io.out(USAGE);
    return command === undefined && parsed.values.help !== true ? FAILED : OK;
  }
  try {
    const root = repoRoot();
    const ctx: CommandContext = {
      repoRoot: root,
      prismaRoot: resolve(parsed.values['prisma-dir'] ?? resolve(root, 'prisma')),
      config: loadConfig(io.env),
      out: io.out,
      err: io.err,
    };
    if (command === 'generate') return await generateCommand(ctx, rest);
    if (command === 'migrate') {
      const [sub, ...args] = rest;
      if (sub === 'deploy') return await deployCommand(ctx, args);
      if (sub === 'check') return await checkCommand(ctx, args);
      if (sub === 'status') return await statusCommand(ctx, args);
      if (sub === 'create' && args.length === 2 && args[0] !== undefined && args[1] !== undefined) {
        return await createCommand(ctx, args[0], args[1]);
      }
    }
    io.err(`Unknown command: ${argv.join(' ')}\n\n${USAGE}`);
    return FAILED;
  } catch (error) {
    io.err(error instanceof Error ? error.message : String(error));
    return FAILED;
  }
}
