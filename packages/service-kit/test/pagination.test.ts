import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, cursorPages } from '../src/index.js';

const pages = cursorPages({ createdAt: 'date', id: 'uuid' });
const ranked = cursorPages({ rank: 'int', id: 'uuid' });

function problem(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, field: error.extensions['field'] };
    throw error;
  }
  return null;
}

/** Items 0..count-1, each a minute after the one before. */
function items(count: number) {
  return Array.from({ length: count }, (_, index) => ({
    createdAt: new Date(Date.UTC(2026, 11, 2, 4, index)),
    id: randomUUID(),
    index,
  }));
}

describe('cursor codecs', () => {
  const cursor = { createdAt: new Date('2026-12-02T04:00:00.123Z'), id: randomUUID() };

  it('round-trip every field kind, url-safe, reading only the shape’s fields', () => {
    const encoded = pages.encode({ ...cursor, extra: 'ignored' } as typeof cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(pages.decode(encoded)).toEqual(cursor);
    const rank = { rank: -42, id: cursor.id };
    expect(ranked.decode(ranked.encode(rank))).toEqual(rank);
  });

  it('read a uuid in any case as lower case', () => {
    const upper = Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id.toUpperCase()}`);
    expect(pages.decode(upper.toString('base64url'))).toEqual(cursor);
  });

  const part = (text: string) => Buffer.from(text).toString('base64url');
  it.each([
    ['not base64url', 'abc+/='],
    ['empty', ''],
    ['too long', 'A'.repeat(401)],
    ['too few parts', part('2026-12-02T04:00:00.123Z')],
    ['too many parts', part(`2026-12-02T04:00:00.123Z|${randomUUID()}|x`)],
    ['a bad uuid', part('2026-12-02T04:00:00.123Z|nope')],
    ['an impossible date', part(`2026-02-31T15:00:00.123Z|${randomUUID()}`)],
    ['a date without milliseconds', part(`2026-12-02T04:00:00Z|${randomUUID()}`)],
  ])('refuse %s', (_case, value) => {
    expect(pages.decode(value)).toBeNull();
  });

  it.each([
    ['a fraction', '1.5'],
    ['an unsafe integer', '9007199254740993'],
    ['not a number', 'x'],
  ])('refuse an int field holding %s', (_case, rank) => {
    expect(ranked.decode(part(`${rank}|${randomUUID()}`))).toBeNull();
  });

  it('refuse another list’s cursor of a different shape', () => {
    expect(ranked.decode(pages.encode(cursor))).toBeNull();
  });
});

describe('page requests', () => {
  const cursor = { createdAt: new Date('2026-12-02T04:00:00.123Z'), id: randomUUID() };

  it('default to 20 forward and take up to 100', () => {
    expect(pages.request({})).toEqual({
      direction: 'forward',
      take: DEFAULT_PAGE_SIZE,
      after: null,
    });
    expect(pages.forward({ first: MAX_PAGE_SIZE, after: pages.encode(cursor) })).toEqual({
      direction: 'forward',
      take: 100,
      after: cursor,
    });
    expect(pages.request({ last: 5, before: pages.encode(cursor) })).toEqual({
      direction: 'backward',
      take: 5,
      before: cursor,
    });
    expect(pages.request({ before: pages.encode(cursor) })).toMatchObject({ take: 20 });
  });

  it('refuse sizes outside 1..100 on the field given', () => {
    for (const first of [0, -1, 101, 2.5]) {
      expect(problem(() => pages.request({ first }))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'first',
      });
    }
    expect(problem(() => pages.request({ last: 101 }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'last',
    });
  });

  it('refuse a bad cursor on `after` or `before`', () => {
    expect(problem(() => pages.forward({ after: 'garbage!' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
    expect(problem(() => pages.request({ last: 2, before: 'garbage!' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'before',
    });
  });

  it('refuse both directions at once', () => {
    expect(problem(() => pages.request({ first: 2, last: 2 }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'last',
    });
    expect(problem(() => pages.request({ after: pages.encode(cursor), before: 'x' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'before',
    });
  });
});

describe('connections', () => {
  it('cut take + 1 rows to a page that says more follow', () => {
    const rows = items(4);
    const page = pages.connection(rows, pages.forward({ first: 3 }));
    expect(page.edges.map((edge) => edge.node.index)).toEqual([0, 1, 2]);
    expect(page.edges.map((edge) => pages.decode(edge.cursor))).toEqual(
      rows.slice(0, 3).map(({ createdAt, id }) => ({ createdAt, id })),
    );
    expect(page.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: page.edges[0]?.cursor,
      endCursor: page.edges[2]?.cursor,
    });
  });

  it('end when the store read no more than take', () => {
    const page = pages.connection(items(3), pages.forward({ first: 3 }));
    expect(page.edges).toHaveLength(3);
    expect(page.pageInfo.hasNextPage).toBe(false);
    expect(pages.connection([], pages.forward({})).pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: false,
      startCursor: null,
      endCursor: null,
    });
  });

  it('put a backward read (nearest first) back in list order', () => {
    // The store read the newest rows first: 9, 8, 7 and one more.
    const rows = items(10).reverse().slice(0, 4);
    const page = pages.connection(rows, pages.request({ last: 3 }));
    expect(page.edges.map((edge) => edge.node.index)).toEqual([7, 8, 9]);
    expect(page.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    expect(pages.connection(rows.slice(0, 3), pages.request({ last: 3 })).pageInfo).toMatchObject({
      hasPreviousPage: false,
    });
  });
});
