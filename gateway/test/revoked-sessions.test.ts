import { describe, expect, it } from 'vitest';
import { RevokedSessions } from '../src/revoked-sessions.js';

describe('RevokedSessions', () => {
  it('keeps a session until its tokens have expired, then forgets it', () => {
    let now = 1_000_000;
    const set = new RevokedSessions({ retentionMs: 60_000, now: () => now });
    set.add(['a', 'b'], new Date(now));
    expect(set.has('a')).toBe(true);
    expect(set.has('c')).toBe(false);
    now += 60_000;
    expect(set.has('a')).toBe(false);
    set.add(['c'], new Date(now));
    expect(set.size).toBe(1);
    // Revoked so long ago that every token has expired: not kept at all.
    set.add(['d'], new Date(now - 61_000));
    expect(set.has('d')).toBe(false);
  });

  it('holds at most maxSize ids, dropping the oldest', () => {
    const evicted: number[] = [];
    const set = new RevokedSessions({ maxSize: 3, onEvict: (n) => evicted.push(n) });
    set.add(['a', 'b', 'c', 'd', 'e'], new Date());
    expect(set.size).toBe(3);
    expect(['a', 'b'].map((sid) => set.has(sid))).toEqual([false, false]);
    expect(['c', 'd', 'e'].every((sid) => set.has(sid))).toBe(true);
    expect(evicted).toEqual([2]);
  });
});
