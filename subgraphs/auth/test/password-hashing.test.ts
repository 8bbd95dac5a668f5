import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import {
  hashPassword,
  needsRehash,
  PASSWORD_HASH_PARAMS,
  verifyPassword,
  verifyPasswordOrDummy,
  warmUpDummyHash,
} from '../src/password-hashing.js';

describe('password hashing', () => {
  it('hashes with argon2id m=19456 t=2 p=1 and a fresh salt each time', async () => {
    const first = await hashPassword('correct horse battery');
    const second = await hashPassword('correct horse battery');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(second).not.toBe(first);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(await verifyPassword(stored, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(stored, 'correct horse batterY')).toBe(false);
    expect(await verifyPasswordOrDummy(stored, 'correct horse battery')).toBe(true);
    expect(await verifyPasswordOrDummy(stored, 'wrong')).toBe(false);
  });

  it('returns false for an unknown account (null hash), whatever the password', async () => {
    expect(await verifyPasswordOrDummy(null, 'correct horse battery')).toBe(false);
    expect(await verifyPasswordOrDummy(null, '')).toBe(false);
  });

  it('costs about as much for an unknown account as for a wrong password', async () => {
    await warmUpDummyHash();
    const stored = await hashPassword('correct horse battery');
    // Interleaved, so both see the same load on a busy machine; the fastest of each counts.
    let wrongPassword = Number.POSITIVE_INFINITY;
    let unknownUser = Number.POSITIVE_INFINITY;
    const timed = async (run: () => Promise<boolean>) => {
      const started = performance.now();
      await run();
      return performance.now() - started;
    };
    for (let i = 0; i < 9; i += 1) {
      wrongPassword = Math.min(
        wrongPassword,
        await timed(() => verifyPasswordOrDummy(stored, 'wrong password!')),
      );
      unknownUser = Math.min(
        unknownUser,
        await timed(() => verifyPasswordOrDummy(null, 'wrong password!')),
      );
    }
    // A skipped verification would take microseconds; argon2 takes milliseconds.
    expect(unknownUser).toBeGreaterThan(wrongPassword / 3);
    expect(unknownUser).toBeLessThan(wrongPassword * 3);
  });

  it('asks for a rehash only when the parameters differ from today', async () => {
    expect(needsRehash(await hashPassword('correct horse battery'))).toBe(false);
    const weaker = await hash('correct horse battery', { ...PASSWORD_HASH_PARAMS, timeCost: 1 });
    expect(needsRehash(weaker)).toBe(true);
    const smaller = await hash('correct horse battery', {
      ...PASSWORD_HASH_PARAMS,
      memoryCost: 8192,
    });
    expect(needsRehash(smaller)).toBe(true);
    expect(needsRehash('$2b$10$abcdefghijklmnopqrstuv')).toBe(true);
  });
});
