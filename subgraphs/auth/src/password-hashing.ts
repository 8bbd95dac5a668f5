import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { hash, parseOptions, verify } from '@node-rs/argon2';
import { errors } from '@jobber/service-kit';

/** argon2id parameters (OWASP's minimum: 19 MiB, 2 passes, 1 lane). The library's default
 * algorithm is argon2id, version 0x13; `needsRehash` checks both from the stored string. */
export const PASSWORD_HASH_PARAMS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

const CURRENT_PREFIX = '$argon2id$v=19$';

/**
 * Hashes and verifications running at once in this process (each takes 19 MiB and a core for
 * ~10–30 ms): at most one per core, up to 4; at most `maxWaiting` more wait their turn, and
 * beyond that a request gets a retryable UNAVAILABLE instead of growing the queue.
 */
export const HASH_CONCURRENCY = {
  max: Math.max(1, Math.min(4, availableParallelism())),
  maxWaiting: 64,
} as const;

const hashing = { active: 0, peak: 0, total: 0, waiting: [] as (() => void)[] };

/** How busy hashing is (for tests and metrics): running now, most at once, started so far. */
export function hashingStats(): { active: number; peak: number; total: number } {
  return { active: hashing.active, peak: hashing.peak, total: hashing.total };
}

async function bounded<T>(work: () => Promise<T>): Promise<T> {
  if (hashing.active >= HASH_CONCURRENCY.max) {
    if (hashing.waiting.length >= HASH_CONCURRENCY.maxWaiting)
      throw errors.unavailable('Too many sign-ins at once. Try again in a moment.');
    // A finishing hash hands its slot straight to the next waiter (`active` stays counted).
    await new Promise<void>((resolve) => hashing.waiting.push(resolve));
  } else {
    hashing.active += 1;
  }
  hashing.peak = Math.max(hashing.peak, hashing.active);
  hashing.total += 1;
  try {
    return await work();
  } finally {
    const next = hashing.waiting.shift();
    if (next) next();
    else hashing.active -= 1;
  }
}

export function hashPassword(plain: string): Promise<string> {
  return bounded(() => hash(plain, PASSWORD_HASH_PARAMS));
}

/** True when `plain` matches `hash`. Throws if `hash` is not an argon2 hash string. */
export function verifyPassword(hash: string, plain: string): Promise<boolean> {
  return bounded(() => verify(hash, plain));
}

let dummyHash: Promise<string> | undefined;

function getDummyHash(): Promise<string> {
  // A hash of a random secret nobody knows, with the current parameters.
  dummyHash ??= hashPassword(randomBytes(32).toString('base64url'));
  return dummyHash;
}

/** Computes the dummy hash ahead of the first unknown-account sign-in (call at start-up), so that
 * first request does not take an extra hash's time. */
export async function warmUpDummyHash(): Promise<void> {
  await getDummyHash();
}

/**
 * Verifies against `hash`, or — for an unknown account (`null`) — against a fixed dummy hash and
 * returns false, so "no such user" costs the same time as "wrong password".
 */
export async function verifyPasswordOrDummy(hash: string | null, plain: string): Promise<boolean> {
  if (hash !== null) return verifyPassword(hash, plain);
  await verifyPassword(await getDummyHash(), plain);
  return false;
}

/** True when `hash` was made with other parameters than today's (rehash it after a good sign-in). */
export function needsRehash(hash: string): boolean {
  if (!hash.startsWith(CURRENT_PREFIX)) return true;
  try {
    const options = parseOptions(hash);
    return (
      options.memoryCost !== PASSWORD_HASH_PARAMS.memoryCost ||
      options.timeCost !== PASSWORD_HASH_PARAMS.timeCost ||
      options.parallelism !== PASSWORD_HASH_PARAMS.parallelism
    );
  } catch {
    return true;
  }
}
