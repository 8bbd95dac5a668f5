import type { EventConnections } from './event-connections.js';
import {
  enqueueEvent,
  type EventData,
  type EventType,
  type SqlClient,
  type TransactionalSqlClient,
} from '@jobber/events';

type TransactionOptions = Parameters<TransactionalSqlClient['$transaction']>[1];

/** What a store is opened on: the subgraph's Prisma client, its name (the producer) and relay. */
export interface StoreDeps<Tx extends SqlClient> {
  prisma: Tx & TransactionalSqlClient<Tx>;
  /** The subgraph's name: events are enqueued with it as their producer. */
  name: string;
  /** Woken after a transaction that enqueued events commits. */
  relay: { nudge(): void };
  /**
   * The connections the subgraph's event machinery shares (the kit passes it in `wire`'s
   * deps): `consumerDb` goes through it, so consumers never take the pool's last connection.
   */
  eventConnections?: EventConnections;
}

/** One database transaction as this store sees it: did anything enqueue an event in it? */
interface Unit {
  enqueued: boolean;
}
/** The unit of every transaction opened through a store, by its transaction client. */
const units = new WeakMap<object, Unit>();

/**
 * The base of every subgraph's store (the only file that talks to Prisma): queries use
 * `this.db`; `transaction()` runs work in one transaction and, when the work enqueued events,
 * nudges the outbox relay after the commit, so call sites never do. Subclasses declare no
 * constructor: `new UsersStore(deps)`.
 */
export abstract class SubgraphStore<Tx extends SqlClient> {
  /** The Prisma client, or the transaction this store is bound to. */
  protected readonly db: Tx;

  constructor(
    private readonly deps: StoreDeps<Tx>,
    private readonly bound?: { tx: Tx; unit: Unit },
  ) {
    this.db = bound?.tx ?? deps.prisma;
  }

  /**
   * Runs `work` on this store bound to one transaction; events it enqueues are published only if
   * it commits (and soon after). Called on a bound store, it joins that transaction.
   */
  transaction<T>(work: (store: this) => Promise<T>, options?: TransactionOptions): Promise<T> {
    if (this.bound) return work(this);
    return this.run((tx) => work(this.within(tx)), options);
  }

  /** This store on a transaction opened elsewhere (an event consumer's, with its inbox row). */
  within(tx: Tx): this {
    const Store = this.constructor as new (
      deps: StoreDeps<Tx>,
      bound: { tx: Tx; unit: Unit },
    ) => this;
    return new Store(this.deps, { tx, unit: units.get(tx) ?? { enqueued: false } });
  }

  /**
   * The database to give an EventConsumer: a handler's transaction that enqueues events through
   * `within(tx)` wakes the relay once it commits, like `transaction()` does. With the kit's
   * `eventConnections` in the deps, it holds no more connections than the kit allows events.
   */
  get consumerDb(): TransactionalSqlClient<Tx> {
    const { prisma, eventConnections } = this.deps;
    const db: TransactionalSqlClient<Tx> = {
      $queryRawUnsafe: (query, ...values) => prisma.$queryRawUnsafe(query, ...values),
      $executeRawUnsafe: (query, ...values) => prisma.$executeRawUnsafe(query, ...values),
      $transaction: (work, options) => this.run(work, options),
    };
    return eventConnections ? eventConnections.wrap(db) : db;
  }

  /**
   * Stores the event in the outbox as this subgraph's, in this store's transaction (published if
   * it commits); on an unbound store it is committed at once and the relay woken.
   */
  async enqueue<T extends EventType>(type: T, data: EventData<T>): Promise<void> {
    await enqueueEvent(this.db, this.deps.name, type, data);
    if (this.bound) this.bound.unit.enqueued = true;
    else this.deps.relay.nudge();
  }

  private async run<T>(work: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    const unit: Unit = { enqueued: false };
    const result = await this.deps.prisma.$transaction((tx) => {
      units.set(tx, unit);
      return work(tx);
    }, options);
    if (unit.enqueued) this.deps.relay.nudge();
    return result;
  }
}
