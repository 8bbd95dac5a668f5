import { Mailbox } from '@jobber/mailbox';
import pg from 'pg';
import type { SeedOptions } from './args.js';
import { randomFor, type SeedContext, type SeedStep } from './context.js';
import { GatewayClient } from './gateway-client.js';
import { SEED_PASSWORD } from './people.js';
import { Progress, type Output } from './progress.js';
import { steps as defaultSteps } from './steps/index.js';

export interface SeedTarget {
  gatewayUrl: string;
  /** Candidates for auth's database, tried in order (config.ts). */
  authDatabaseUrls: readonly string[];
}

export interface SeedResult {
  made: Record<string, number>;
  skipped: string[];
  members: SeedContext['members'];
  gigs: SeedContext['gigs'];
  operations: number;
  seconds: number;
}

/** Runs every step against `target` and prints what it made; throws on the first failure. */
export async function runSeed(
  target: SeedTarget,
  options: SeedOptions,
  out: Output,
  steps: readonly SeedStep[] = defaultSteps,
): Promise<SeedResult> {
  const started = performance.now();
  const progress = new Progress(out);
  const gateway = new GatewayClient(target.gatewayUrl);
  const fields = await gateway.rootFields().catch((error: unknown) => {
    throw new Error(
      `The gateway at ${target.gatewayUrl} did not answer an introspection query: is it running ` +
        `(npm start) and in development? ${(error as Error).message}`,
      { cause: error },
    );
  });
  const authUrl = await firstReachable(target.authDatabaseUrls);
  const mailbox = new Mailbox(authUrl, { connections: Math.min(options.concurrency, 10) });
  progress.line(
    `Seeding ${target.gatewayUrl} with seed ${options.seed} (emails from ${hidePassword(authUrl)})`,
  );
  const context: SeedContext = {
    seed: options.seed,
    sizes: options.sizes,
    concurrency: options.concurrency,
    gateway,
    mailbox,
    progress,
    members: { sellers: [], buyers: [] },
    gigs: [],
    offers: [],
    orders: [],
    made: {},
    random: randomFor(options.seed),
  };
  const skipped: string[] = [];
  try {
    for (const step of steps) {
      const missing = step.needs.filter((field) => !fields.has(field));
      if (missing.length) {
        progress.line(`${step.name}: skipped (the API has no ${missing.join(', ')} yet)`);
        skipped.push(step.name);
        continue;
      }
      const bar = progress.start(step.name, step.total(context));
      const before = { ...context.made };
      await step.run(context, () => bar.tick());
      const counts = Object.entries(context.made)
        .filter(([kind, count]) => before[kind] !== count)
        .map(([kind, count]) => `${count} ${kind}`);
      bar.finish(counts.length ? counts.join(', ') : 'nothing new');
    }
  } finally {
    await mailbox.close();
  }
  const seconds = (performance.now() - started) / 1000;
  printSummary(progress, context, seconds, gateway.sent);
  return {
    made: context.made,
    skipped,
    members: context.members,
    gigs: context.gigs,
    operations: gateway.sent,
    seconds,
  };
}

function printSummary(progress: Progress, context: SeedContext, seconds: number, sent: number) {
  const counts = Object.entries(context.made).map(([kind, count]) => `${count} ${kind}`);
  progress.line(
    `\nMade ${counts.join(', ') || 'nothing'} in ${seconds.toFixed(1)} s (${sent} operations).`,
  );
  const examples = [...context.members.sellers.slice(0, 3), ...context.members.buyers.slice(0, 2)];
  if (examples.length) {
    progress.line(`Every member's password is "${SEED_PASSWORD}"; sign in as, for example:`);
    for (const member of examples) {
      progress.line(
        `  ${member.username.padEnd(24)} ${member.email.padEnd(36)} ${member.seller ? 'seller' : 'buyer'}`,
      );
    }
    progress.line(
      'A sign-in from a new device gets an emailed code: in development auth logs it ("dev mailbox").',
    );
  }
}

/** The first database URL that accepts a connection. */
async function firstReachable(urls: readonly string[]): Promise<string> {
  const problems: string[] = [];
  for (const url of urls) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1 FROM outbox_events LIMIT 1');
      return url;
    } catch (error) {
      problems.push(`${hidePassword(url)}: ${(error as Error).message}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(
    `Could not read auth's outbox (the seed reads the confirmation emails there):\n  ${problems.join('\n  ')}\n` +
      "Set AUTH_DATABASE_URL to auth's database.",
  );
}

function hidePassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
