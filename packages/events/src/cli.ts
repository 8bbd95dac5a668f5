import type { CliConfig } from './config.js';
import {
  defaultReplayTarget,
  listDeadLetters,
  migrateConsumerQueues,
  migrateExchange,
  queueDepth,
  replayDeadLetters,
  type ReplayTarget,
} from './queue-tools.js';

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

const usage = `usage: jobber-events <command>
  dlq list <queue> [--limit N]   count a queue's messages and summarise the first N (default 100)
  dlq replay <queue> [--to <queue>]
                                 move them back, attempt reset, one confirmed message at a time:
                                 <q>.dlq → <q>; <exchange>.unroutable → <exchange> (by type)
  depth <queue>                  messages ready in a queue
  migrate <consumer>             switch a stopped consumer's classic queues to quorum queues
  migrate --exchange             redeclare the exchange with its alternate exchange
Queue names are full names (with EVENTS_QUEUE_PREFIX); <consumer> is a name from the topology list.
Environment: AMQP_URL, EVENTS_EXCHANGE, EVENTS_QUEUE_PREFIX.`;

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

/** `jobber-events …`; returns the exit code. `loadConfig` is called only for a valid command. */
export async function main(
  argv: string[],
  loadConfig: () => CliConfig,
  output: CliOutput,
): Promise<number> {
  const [command, second, third] = argv;
  const run = async (work: (config: CliConfig) => Promise<void>): Promise<number> => {
    let config: CliConfig;
    try {
      config = loadConfig();
    } catch (err) {
      output.err(`jobber-events: bad configuration:\n${String((err as Error).message)}`);
      return 2;
    }
    try {
      await work(config);
      return 0;
    } catch (err) {
      output.err(`jobber-events: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    }
  };

  if (command === 'dlq' && second === 'list' && third) {
    const limit = Number(option(argv, '--limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 0) {
      output.err('jobber-events: --limit must be a whole number');
      return 2;
    }
    return run(async ({ amqpUrl }) => {
      const listing = await listDeadLetters(amqpUrl, third, limit);
      output.out(`${listing.queue}: ${listing.count} message(s)`);
      for (const m of listing.messages) {
        output.out(
          `  id=${m.id ?? '-'} type=${m.type ?? '-'} attempt=${m.attempt} reason=${m.reason}`,
        );
      }
      if (listing.count > listing.messages.length) {
        output.out(`  … ${listing.count - listing.messages.length} more`);
      }
    });
  }
  if (command === 'dlq' && second === 'replay' && third) {
    const to = option(argv, '--to');
    const target: ReplayTarget | null = to ? { queue: to } : defaultReplayTarget(third);
    if (!target) {
      output.err(
        `jobber-events: cannot tell where ${third}'s messages go back to: give --to <queue>`,
      );
      return 2;
    }
    return run(async ({ amqpUrl }) => {
      const where = 'queue' in target ? `queue ${target.queue}` : `exchange ${target.exchange}`;
      const moved = await replayDeadLetters(amqpUrl, third, target, (m) =>
        output.out(`  moved id=${m.id ?? '-'} type=${m.type ?? '-'} (was attempt ${m.attempt})`),
      );
      output.out(`${third}: ${moved} message(s) moved to ${where}`);
    });
  }
  if (command === 'depth' && second) {
    return run(async ({ amqpUrl }) => {
      output.out(`${second}: ${await queueDepth(amqpUrl, second)}`);
    });
  }
  if (command === 'migrate' && second === '--exchange') {
    return run(async ({ amqpUrl, exchange, queuePrefix }) => {
      const changed = await migrateExchange({ url: amqpUrl, exchange, queuePrefix });
      output.out(
        changed
          ? `${exchange}: redeclared with its alternate exchange, listed queues bound again`
          : `${exchange}: already up to date`,
      );
    });
  }
  if (command === 'migrate' && second) {
    return run(async ({ amqpUrl, exchange, queuePrefix }) => {
      await migrateConsumerQueues({
        url: amqpUrl,
        exchange,
        queuePrefix,
        consumer: second,
        log: (line) => output.out(line),
      });
    });
  }
  output.err(usage);
  return 2;
}
