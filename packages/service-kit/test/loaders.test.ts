import { describe, expect, it } from 'vitest';
import { LoaderRegistry, alignToKeys, defineLoader, groupToKeys } from '../src/index.js';

describe('LoaderRegistry', () => {
  it('batches loads of one tick into one call per request and keeps key order', async () => {
    const calls: string[][] = [];
    const byId = defineLoader({
      name: 'byId',
      batch: async (ids: readonly string[], rows: { id: string }[]) => {
        calls.push([...ids]);
        return alignToKeys(
          ids,
          rows.filter((row) => ids.includes(row.id)),
          (row) => row.id,
        );
      },
    });
    const registry = new LoaderRegistry([{ id: 'b' }, { id: 'a' }]);
    const results = await Promise.all(
      ['a', 'b', 'zz', 'a'].map((id) => registry.get(byId).load(id)),
    );
    expect(results).toEqual([{ id: 'a' }, { id: 'b' }, null, { id: 'a' }]);
    expect(calls).toEqual([['a', 'b', 'zz']]);
    // Another request gets fresh loaders (no cache shared across requests).
    await new LoaderRegistry([{ id: 'a' }]).get(byId).load('a');
    expect(calls).toHaveLength(2);
  });

  it('groups to-many rows per key', () => {
    expect(
      groupToKeys(
        ['x', 'y'],
        [
          { k: 'x', v: 1 },
          { k: 'x', v: 2 },
        ],
        (row) => row.k,
      ),
    ).toEqual([
      [
        { k: 'x', v: 1 },
        { k: 'x', v: 2 },
      ],
      [],
    ]);
  });
});
