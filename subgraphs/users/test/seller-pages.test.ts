import { describe, expect, it } from 'vitest';
import { AppError } from '@jobber/service-kit';
import {
  DEFAULT_PAGE_SIZE,
  decodeSellerCursor,
  encodeSellerCursor,
  sellerPageRequest,
} from '../src/seller-pages.js';

const cursor = { createdAt: new Date('2026-11-25T15:00:00.123Z'), userId: crypto.randomUUID() };

function rejection(args: Parameters<typeof sellerPageRequest>[0]) {
  try {
    sellerPageRequest(args);
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, field: error.extensions['field'] };
    throw error;
  }
  return null;
}

describe('seller cursors', () => {
  it('round-trips and is url-safe', () => {
    const encoded = encodeSellerCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeSellerCursor(encoded)).toEqual(cursor);
  });

  it.each([
    ['not base64url', 'abc+/='],
    ['empty', ''],
    ['no separator', Buffer.from('2026-11-25T15:00:00.123Z').toString('base64url')],
    ['a bad id', Buffer.from('2026-11-25T15:00:00.123Z|nope').toString('base64url')],
    [
      'an impossible date',
      Buffer.from(`2026-02-31T15:00:00.123Z|${cursor.userId}`).toString('base64url'),
    ],
    ['extra parts', Buffer.from(`${encodeSellerCursor(cursor)}|x`).toString('base64url')],
  ])('rejects %s', (_case, value) => {
    expect(decodeSellerCursor(value)).toBeNull();
  });
});

describe('seller page requests', () => {
  it('defaults to 20 and lower-cases the skill', () => {
    expect(sellerPageRequest({})).toEqual({ take: DEFAULT_PAGE_SIZE, after: null, skillKey: null });
    expect(sellerPageRequest({ first: 100, skill: '  GraphQL ' })).toMatchObject({
      take: 100,
      skillKey: 'graphql',
    });
    expect(sellerPageRequest({ after: encodeSellerCursor(cursor) }).after).toEqual(cursor);
  });

  it('rejects sizes outside 1..100 and foreign cursors', () => {
    expect(rejection({ first: 101 })).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(rejection({ first: 0 })).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(rejection({ after: 'garbage!' })).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});
