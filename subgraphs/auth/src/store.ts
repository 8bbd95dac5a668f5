import { SubgraphStore, createPrismaClient, type DatabaseSettings } from '@jobber/service-kit';
import { Prisma, PrismaClient } from './generated/prisma/client.js';
import type { UserRecord } from './accounts.js';
import { MAX_SIGN_IN_CODE_ATTEMPTS } from './refresh-rotation.js';

/** The only module that talks to Prisma: every query of the auth subgraph lives here. */

export type AuthPrisma = PrismaClient;
export type AuthTransaction = Prisma.TransactionClient;

export function createPrisma(
  database: DatabaseSettings,
  onQuery?: (sql: string) => void,
): AuthPrisma {
  return createPrismaClient(PrismaClient, database, onQuery);
}

const userFields = {
  id: true,
  email: true,
  username: true,
  roles: true,
  emailVerifiedAt: true,
  createdAt: true,
} as const satisfies Prisma.UserSelect;

export type OneTimePurpose = 'VERIFY_EMAIL' | 'RESET_PASSWORD';
export type RevokeReason =
  'SIGN_OUT' | 'SIGN_OUT_EVERYWHERE' | 'REUSE_DETECTED' | 'PASSWORD_CHANGED' | 'PASSWORD_RESET';

/** `transaction()`, `within(tx)` and `enqueue()` come from the kit's SubgraphStore. */
export class AuthStore extends SubgraphStore<AuthTransaction> {
  // Users

  usersByIds(ids: readonly string[]): Promise<UserRecord[]> {
    return this.db.user.findMany({ where: { id: { in: [...ids] } }, select: userFields });
  }

  findUserWithPassword(where: { id: string } | { email: string } | { username: string }) {
    return this.db.user.findUnique({ where, select: { ...userFields, passwordHash: true } });
  }

  async takenIdentifiers(
    email: string,
    username: string,
  ): Promise<{ email: boolean; username: boolean }> {
    const rows = await this.db.user.findMany({
      where: { OR: [{ email }, { username }] },
      select: { email: true, username: true },
    });
    return {
      email: rows.some((row) => row.email === email),
      username: rows.some((row) => row.username === username),
    };
  }

  createUser(data: { email: string; username: string; passwordHash: string }): Promise<UserRecord> {
    return this.db.user.create({ data, select: userFields });
  }

  async setPassword(userId: string, passwordHash: string, at: Date): Promise<void> {
    await this.db.user.update({
      where: { id: userId },
      data: { passwordHash, passwordChangedAt: at },
    });
  }

  markEmailVerified(userId: string, at: Date): Promise<UserRecord> {
    return this.db.user.update({
      where: { id: userId },
      data: { emailVerifiedAt: at },
      select: userFields,
    });
  }

  // Sessions and refresh tokens

  createSession(data: {
    userId: string;
    deviceFingerprint: string;
    userAgent: string | null;
    ip: string | null;
  }) {
    return this.db.session.create({ data, select: { id: true, createdAt: true } });
  }

  async addRefreshToken(data: {
    sessionId: string;
    tokenHash: string;
    expiresAt: Date;
  }): Promise<void> {
    await this.db.refreshToken.create({ data });
  }

  findRefreshToken(tokenHash: string) {
    return this.db.refreshToken.findUnique({
      where: { tokenHash },
      select: {
        id: true,
        expiresAt: true,
        rotatedAt: true,
        session: { select: { id: true, userId: true, createdAt: true, revokedAt: true } },
      },
    });
  }

  /** Marks the token rotated; false when another request rotated it first (a race = reuse). */
  async markRotated(refreshTokenId: string, at: Date): Promise<boolean> {
    const { count } = await this.db.refreshToken.updateMany({
      where: { id: refreshTokenId, rotatedAt: null },
      data: { rotatedAt: at },
    });
    return count === 1;
  }

  async touchSession(sessionId: string, at: Date): Promise<void> {
    await this.db.session.update({ where: { id: sessionId }, data: { lastUsedAt: at } });
  }

  async revokeSession(sessionId: string, reason: RevokeReason, at: Date): Promise<void> {
    await this.revokeWhere({ id: sessionId, revokedAt: null }, reason, at);
  }

  async revokeAllSessions(userId: string, reason: RevokeReason, at: Date): Promise<number> {
    return this.revokeWhere({ userId, revokedAt: null }, reason, at);
  }

  /**
   * Revokes the sessions and, in the same transaction, publishes `auth.sessions.revoked` with
   * their ids, so that gateways refuse their access tokens at once (not 15 minutes later).
   */
  private revokeWhere(
    where: { id: string; revokedAt: null } | { userId: string; revokedAt: null },
    reason: RevokeReason,
    at: Date,
  ): Promise<number> {
    return this.transaction(async (store) => {
      const revoked = await store.db.session.updateManyAndReturn({
        where,
        data: { revokedAt: at, revokedReason: reason },
        select: { id: true, userId: true },
      });
      const userId = revoked[0]?.userId;
      if (userId) {
        await store.enqueue('auth.sessions.revoked', {
          userId,
          sessionIds: revoked.map((session) => session.id),
          reason,
          revokedAt: at.toISOString(),
        });
      }
      return revoked.length;
    });
  }

  // Devices and new-device challenges

  async isKnownDevice(userId: string, fingerprint: string): Promise<boolean> {
    const device = await this.db.knownDevice.findUnique({
      where: { userId_fingerprint: { userId, fingerprint } },
      select: { userId: true },
    });
    return device !== null;
  }

  async rememberDevice(
    userId: string,
    fingerprint: string,
    description: string,
    at: Date,
  ): Promise<void> {
    await this.db.knownDevice.upsert({
      where: { userId_fingerprint: { userId, fingerprint } },
      create: { userId, fingerprint, description, firstSeenAt: at, lastSeenAt: at },
      update: { lastSeenAt: at },
    });
  }

  createChallenge(data: {
    userId: string;
    deviceFingerprint: string;
    codeHash: string;
    expiresAt: Date;
  }) {
    return this.db.signInChallenge.create({ data, select: { id: true, expiresAt: true } });
  }

  findChallenge(id: string) {
    return this.db.signInChallenge.findUnique({ where: { id } });
  }

  /**
   * Spends one code attempt in a single statement; returns how many had been spent before it,
   * or null when none is left, or the challenge is completed or expired.
   */
  async spendCodeAttempt(challengeId: string, at: Date): Promise<number | null> {
    const rows = await this.db.$queryRaw<{ spent: number }[]>`
      UPDATE sign_in_challenges SET attempts = attempts + 1
      WHERE id = ${challengeId}::uuid AND attempts < ${MAX_SIGN_IN_CODE_ATTEMPTS}
        AND completed_at IS NULL AND expires_at > ${at}
      RETURNING attempts - 1 AS spent`;
    return rows[0]?.spent ?? null;
  }

  /** Completes the challenge; false when it was already completed (two requests with the code). */
  async completeChallenge(challengeId: string, at: Date): Promise<boolean> {
    const { count } = await this.db.signInChallenge.updateMany({
      where: { id: challengeId, completedAt: null },
      data: { completedAt: at },
    });
    return count === 1;
  }

  // One-time tokens (email verification, password reset)

  async replaceOneTimeToken(
    data: { userId: string; purpose: OneTimePurpose; tokenHash: string; expiresAt: Date },
    at: Date,
  ) {
    // A new token voids the older unused ones of the same purpose.
    await this.db.oneTimeToken.updateMany({
      where: { userId: data.userId, purpose: data.purpose, usedAt: null },
      data: { usedAt: at },
    });
    await this.db.oneTimeToken.create({ data });
  }

  latestOneTimeTokenAt(userId: string, purpose: OneTimePurpose) {
    return this.db.oneTimeToken.findFirst({
      where: { userId, purpose },
      orderBy: { createdAt: 'desc' },
      select: { createdAt: true },
    });
  }

  /**
   * Uses a one-time token in one statement (so it works once even under concurrent requests);
   * returns its user id, or null when it is unknown, used, expired or of another purpose.
   */
  async useOneTimeToken(
    tokenHash: string,
    purpose: OneTimePurpose,
    at: Date,
  ): Promise<string | null> {
    const rows = await this.db.$queryRaw<{ user_id: string }[]>`
      UPDATE one_time_tokens SET used_at = ${at}
      WHERE token_hash = ${tokenHash} AND purpose = ${purpose} AND used_at IS NULL AND expires_at > ${at}
      RETURNING user_id`;
    return rows[0]?.user_id ?? null;
  }

  findOneTimeToken(tokenHash: string, purpose: OneTimePurpose) {
    return this.db.oneTimeToken.findFirst({
      where: { tokenHash, purpose },
      select: { userId: true },
    });
  }

  // Sign-in throttling

  /** A sign-in attempt, counted as a failure unless a right password removes it. */
  async recordSignInAttempt(identifier: string, ip: string | null, at: Date): Promise<bigint> {
    const row = await this.db.signInFailure.create({
      data: { identifier, ip, occurredAt: at },
      select: { id: true },
    });
    return row.id;
  }

  async forgetSignInAttempt(id: bigint): Promise<void> {
    await this.db.signInFailure.deleteMany({ where: { id } });
  }

  async signInFailuresSince(identifier: string, ip: string | null, since: Date) {
    const [account, byIp] = await Promise.all([
      this.db.signInFailure.aggregate({
        where: { identifier, occurredAt: { gt: since } },
        _count: { _all: true },
        _min: { occurredAt: true },
      }),
      ip
        ? this.db.signInFailure.aggregate({
            where: { ip, occurredAt: { gt: since } },
            _count: { _all: true },
            _min: { occurredAt: true },
          })
        : null,
    ]);
    return {
      accountFailures: account._count._all,
      oldestAccountFailureAt: account._min.occurredAt,
      ipFailures: byIp?._count._all ?? 0,
      oldestIpFailureAt: byIp?._min.occurredAt ?? null,
    };
  }

  async clearSignInFailures(identifier: string): Promise<void> {
    await this.db.signInFailure.deleteMany({ where: { identifier } });
  }

  async pruneSignInFailures(before: Date): Promise<void> {
    await this.db.signInFailure.deleteMany({ where: { occurredAt: { lt: before } } });
  }
}
