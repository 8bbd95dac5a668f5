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

  it('takes a catch-up at once: each session kept for its own revokedAt, the soonest expiring dropped first', () => {
    let now = 1_000_000;
    const evicted: number[] = [];
    const set = new RevokedSessions({
      retentionMs: 60_000,
      maxSize: 3,
      now: () => now,
      onEvict: (n) => evicted.push(n),
    });
    set.add(['live'], new Date(now));
    set.addAll([
      { id: 'old', revokedAt: new Date(now - 50_000) },
      { id: 'gone', revokedAt: new Date(now - 70_000) },
      { id: 'live', revokedAt: new Date(now - 40_000) },
      { id: 'recent', revokedAt: new Date(now - 10_000) },
      { id: 'older', revokedAt: new Date(now - 55_000) },
    ]);
    // 'gone' had expired; of the four others the one expiring first went.
    expect(set.size).toBe(3);
    expect(evicted).toEqual([1]);
    expect(['older', 'gone'].map((sid) => set.has(sid))).toEqual([false, false]);
    expect(['live', 'old', 'recent'].every((sid) => set.has(sid))).toBe(true);
    // 'live' keeps the later of its two expiries.
    now += 59_000;
    expect(set.has('live')).toBe(true);
    expect(set.has('old')).toBe(false);
  });
});
