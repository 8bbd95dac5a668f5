import { errors } from './errors.js';
import { isUuid } from './prisma.js';

/** Relay page sizes (shared/DESIGN.md §3). */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** What a cursor field holds: a millisecond timestamp, a uuid or a safe integer. */
export type CursorFieldKind = 'date' | 'uuid' | 'int';
export type CursorShape = Readonly<Record<string, CursorFieldKind>>;
type FieldValue<K extends CursorFieldKind> = K extends 'date'
  ? Date
  : K extends 'int'
    ? number
    : string;
/** The cursor's value for a shape: `{ createdAt: 'date', id: 'uuid' }` → `{ createdAt: Date; id: string }`. */
export type CursorOf<S extends CursorShape> = { [F in keyof S]: FieldValue<S[F]> };

export interface ForwardPageArgs {
  first?: number | null;
  after?: string | null;
}
export interface PageArgs extends ForwardPageArgs {
  last?: number | null;
  before?: string | null;
}

/** A checked page request: read `take + 1` rows from the cursor on, in the request's direction. */
export interface ForwardPageRequest<C> {
  direction: 'forward';
  take: number;
  after: C | null;
}
/** Backward: read `take + 1` rows before the cursor, nearest first (the page puts them back in order). */
export interface BackwardPageRequest<C> {
  direction: 'backward';
  take: number;
  before: C | null;
}
export type PageRequest<C> = ForwardPageRequest<C> | BackwardPageRequest<C>;

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}
export interface Edge<N> {
  cursor: string;
  node: N;
}
export interface Connection<N> {
  edges: Edge<N>[];
  pageInfo: PageInfo;
}

/** One kind of list's pages: its cursor codec, its argument checks and its page builder. */
export interface CursorPages<C> {
  /** Opaque to clients: base64url of the shape's fields in order, joined by `|`. */
  encode(cursor: C): string;
  /** The cursor, or null when `value` is not one this list issued. */
  decode(value: string): C | null;
  /** `first`/`after` checked (BAD_USER_INPUT on the field at fault). */
  forward(args: ForwardPageArgs): ForwardPageRequest<C>;
  /** `first`/`after` or `last`/`before`, never both directions at once. */
  request(args: PageArgs): PageRequest<C>;
  /** The page from the up to `take + 1` rows the store read for `request`; nodes carry the cursor fields. */
  connection<N extends C>(
    rows: readonly N[],
    request: PageRequest<C> | { take: number },
  ): Connection<N>;
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const INT = /^-?\d{1,16}$/;
const BASE64URL = /^[A-Za-z0-9_-]{1,400}$/;

function encodeField(kind: CursorFieldKind, value: unknown): string {
  if (kind === 'date') return (value as Date).toISOString();
  return String(value);
}

function decodeField(kind: CursorFieldKind, text: string): Date | string | number | null {
  switch (kind) {
    case 'date': {
      if (!ISO_MS.test(text)) return null;
      const date = new Date(text);
      return !Number.isNaN(date.getTime()) && date.toISOString() === text ? date : null;
    }
    case 'uuid':
      return isUuid(text) ? text.toLowerCase() : null;
    case 'int': {
      const value = Number(text);
      return INT.test(text) && Number.isSafeInteger(value) ? value : null;
    }
  }
}

function pageSize(value: number | null | undefined, field: 'first' | 'last'): number {
  const size = value ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw errors.badUserInput(`${field} must be between 1 and ${MAX_PAGE_SIZE}.`, [
      { field, message: `Must be between 1 and ${MAX_PAGE_SIZE}.` },
    ]);
  }
  return size;
}

/**
 * Relay cursor pagination for one kind of list, e.g. messages newest last:
 * `const messagePages = cursorPages({ createdAt: 'date', id: 'uuid' })`; the store reads
 * `request.take + 1` rows so the page knows whether more follow.
 */
export function cursorPages<const S extends CursorShape>(shape: S): CursorPages<CursorOf<S>> {
  type C = CursorOf<S>;
  const fields = Object.entries(shape) as [keyof S & string, CursorFieldKind][];

  const encode = (cursor: C) =>
    Buffer.from(
      fields.map(([field, kind]) => encodeField(kind, cursor[field])).join('|'),
      'utf8',
    ).toString('base64url');

  const decode = (value: string): C | null => {
    if (!BASE64URL.test(value)) return null;
    const parts = Buffer.from(value, 'base64url').toString('utf8').split('|');
    if (parts.length !== fields.length) return null;
    const cursor: Record<string, unknown> = {};
    for (const [index, [field, kind]] of fields.entries()) {
      const decoded = decodeField(kind, parts[index] ?? '');
      if (decoded === null) return null;
      cursor[field] = decoded;
    }
    return cursor as C;
  };

  const cursorArg = (value: string | null | undefined, field: 'after' | 'before'): C | null => {
    if (value == null) return null;
    const cursor = decode(value);
    if (!cursor) {
      const from = field === 'after' ? 'an endCursor' : 'a startCursor';
      throw errors.badUserInput('The cursor is not valid.', [
        { field, message: `Use ${from} or cursor from a previous page.` },
      ]);
    }
    return cursor;
  };

  const forward = (args: ForwardPageArgs): ForwardPageRequest<C> => ({
    direction: 'forward',
    take: pageSize(args.first, 'first'),
    after: cursorArg(args.after, 'after'),
  });

  const request = (args: PageArgs): PageRequest<C> => {
    if (args.last == null && args.before == null) return forward(args);
    if (args.first != null || args.after != null) {
      const field = args.last != null ? 'last' : 'before';
      throw errors.badUserInput('Page with first/after or with last/before, not both.', [
        { field, message: 'Cannot be combined with first or after.' },
      ]);
    }
    return {
      direction: 'backward',
      take: pageSize(args.last, 'last'),
      before: cursorArg(args.before, 'before'),
    };
  };

  const connection = <N extends C>(
    rows: readonly N[],
    page: PageRequest<C> | { take: number },
  ): Connection<N> => {
    const backward = 'direction' in page && page.direction === 'backward';
    const nodes = rows.slice(0, page.take);
    if (backward) nodes.reverse();
    const edges = nodes.map((node) => ({ cursor: encode(node), node }));
    const more = rows.length > page.take;
    return {
      edges,
      pageInfo: {
        hasNextPage: !backward && more,
        hasPreviousPage: backward && more,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  };

  return { encode, decode, forward, request, connection };
}
