import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashSecret, newOpaqueToken, newSignInCode, safeEqual } from '../src/secrets.js';

describe('secrets', () => {
  it('makes 32-byte base64url opaque tokens, all different', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => newOpaqueToken()));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    }
  });

  it('hashes secrets as sha256 hex, deterministically', () => {
    const token = newOpaqueToken();
    expect(hashSecret(token)).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hashSecret(token)).toBe(hashSecret(token));
    expect(hashSecret(token)).not.toBe(hashSecret(newOpaqueToken()));
    expect(hashSecret(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('makes 6-digit zero-padded sign-in codes spread over the whole range', () => {
    const codes = Array.from({ length: 5000 }, () => newSignInCode());
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    // With 5000 uniform draws, some code starts with 0 (P(miss) ≈ 0.9^5000).
    expect(codes.some((code) => code.startsWith('0'))).toBe(true);
    expect(new Set(codes.map((code) => code[0])).size).toBe(10);
  });

  it('compares strings exactly, whatever their lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('', 'a')).toBe(false);
  });
});
