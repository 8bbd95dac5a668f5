import DataLoader from 'dataloader';

/**
 * A named batch function. Define loaders once at module level; each request gets its own
 * DataLoader instances (and therefore its own cache) through a LoaderRegistry. Keys are
 * compared by identity, so use ids (strings), not objects.
 */
export interface LoaderDefinition<K, V, D> {
  name: string;
  batch: (keys: readonly K[], deps: D) => Promise<ReadonlyArray<V | Error>>;
}

export function defineLoader<K, V, D>(definition: LoaderDefinition<K, V, D>) {
  return definition;
}

/** Per-request registry: `loaders.get(userById).load(id)`. Created by the service kit per request. */
export class LoaderRegistry<D> {
  private readonly loaders = new Map<
    LoaderDefinition<never, unknown, D>,
    DataLoader<never, unknown>
  >();

  constructor(private readonly deps: D) {}

  get<K, V>(definition: LoaderDefinition<K, V, D>): DataLoader<K, V> {
    const known = this.loaders.get(definition as LoaderDefinition<never, unknown, D>);
    if (known) return known as unknown as DataLoader<K, V>;
    const loader = new DataLoader<K, V>((keys) => definition.batch(keys, this.deps), {
      maxBatchSize: 1000,
    });
    this.loaders.set(
      definition as LoaderDefinition<never, unknown, D>,
      loader as unknown as DataLoader<never, unknown>,
    );
    return loader;
  }
}

/** Puts rows back in the order of `keys`, with null where a key has no row (DataLoader's contract). */
export function alignToKeys<K, R>(
  keys: readonly K[],
  rows: readonly R[],
  keyOf: (row: R) => K,
): (R | null)[] {
  const byKey = new Map<K, R>();
  for (const row of rows) byKey.set(keyOf(row), row);
  return keys.map((key) => byKey.get(key) ?? null);
}

/** Groups rows by key in the order of `keys`, with [] for keys that have none (to-many loaders). */
export function groupToKeys<K, R>(
  keys: readonly K[],
  rows: readonly R[],
  keyOf: (row: R) => K,
): R[][] {
  const byKey = new Map<K, R[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = byKey.get(key);
    if (list) list.push(row);
    else byKey.set(key, [row]);
  }
  return keys.map((key) => byKey.get(key) ?? []);
}
