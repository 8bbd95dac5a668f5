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

export type OneTimePurpose = 'RESET_PASSWORD';

/** A sign-up waiting for its confirmation: the account-to-be and the emailed token's hash. */
export interface PendingSignUpData {
  email: string;
  username: string;
  passwordHash: string;
  country: string;
  profilePictureUrl: string | null;
  tokenHash: string;
  expiresAt: Date;
}
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

  /** Who has this email (the account), and whether anyone has this username. */
  async identifiersInUse(
    email: string,
    username: string,
  ): Promise<{ emailOwner: UserRecord | null; usernameTaken: boolean }> {
    const rows = await this.db.user.findMany({
      where: { OR: [{ email }, { username }] },
      select: userFields,
    });
    return {
      emailOwner: rows.find((row) => row.email === email) ?? null,
      usernameTaken: rows.some((row) => row.username === username),
    };
  }

  createUser(data: {
    email: string;
    username: string;
    passwordHash: string;
    emailVerifiedAt: Date;
  }): Promise<UserRecord> {
    return this.db.user.create({ data, select: userFields });
  }

  async setPassword(userId: string, passwordHash: string, at: Date): Promise<void> {
    await this.db.user.update({
      where: { id: userId },
      data: { passwordHash, passwordChangedAt: at },
    });
  }

  /** Records that the account's address was shown to be its owner's (an emailed secret used). */
  async markEmailVerified(userId: string, at: Date): Promise<void> {
    await this.db.user.updateMany({
      where: { id: userId, emailVerifiedAt: null },
      data: { emailVerifiedAt: at },
    });
  }

  // Pending sign-ups (waiting for the emailed confirmation)

  /** Stores the sign-up for its email, replacing an earlier one (whose token then stops working). */
  replacePendingSignUp(data: PendingSignUpData, at: Date): Promise<{ id: string }> {
    const row = { ...data, sentAt: at, createdAt: at };
    return this.db.pendingSignUp.upsert({
      where: { email: data.email },
      create: row,
      update: row,
      select: { id: true },
    });
  }

  async dropPendingSignUp(email: string): Promise<void> {
    await this.db.pendingSignUp.deleteMany({ where: { email } });
  }

  /**
   * Takes the pending sign-up of this token in one statement (so a token works once even under
   * concurrent requests): deletes and returns it, or null when it is unknown, used or expired.
   */
  async takePendingSignUp(tokenHash: string, at: Date): Promise<PendingSignUpData | null> {
    const rows = await this.db.$queryRaw<
      {
        email: string;
        username: string;
        password_hash: string;
        country: string;
        profile_picture_url: string | null;
        token_hash: string;
        expires_at: Date;
      }[]
    >`
      DELETE FROM pending_sign_ups WHERE token_hash = ${tokenHash} AND expires_at > ${at}
      RETURNING email, username, password_hash, country, profile_picture_url, token_hash, expires_at`;
    const row = rows[0];
    return row
      ? {
          email: row.email,
          username: row.username,
          passwordHash: row.password_hash,
          country: row.country,
          profilePictureUrl: row.profile_picture_url,
          tokenHash: row.token_hash,
          expiresAt: row.expires_at,
        }
      : null;
  }

  /** The open (unexpired) pending sign-up of an email, if any. */
  findPendingSignUp(email: string, at: Date) {
    return this.db.pendingSignUp.findFirst({
      where: { email, expiresAt: { gt: at } },
      select: { id: true, email: true, username: true, sentAt: true },
    });
  }

  /**
   * Gives the pending sign-up a new token and expiry, unless its last email went out after
   * `sentBefore` (in one statement, so parallel resends send one email); true when it did.
   */
  async renewPendingSignUp(
    id: string,
    data: { tokenHash: string; expiresAt: Date },
    at: Date,
    sentBefore: Date,
  ): Promise<boolean> {
    const { count } = await this.db.pendingSignUp.updateMany({
      where: { id, sentAt: { lte: sentBefore }, expiresAt: { gt: at } },
      data: { ...data, sentAt: at },
    });
    return count === 1;
  }

  async prunePendingSignUps(before: Date): Promise<number> {
    const { count } = await this.db.pendingSignUp.deleteMany({
      where: { expiresAt: { lt: before } },
    });
    return count;
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

  /** Sessions revoked at or after `since`, newest first (the `revoked_at` index). */
  async sessionsRevokedSince(
    since: Date,
    limit: number,
  ): Promise<{ id: string; revokedAt: Date }[]> {
    const rows = await this.db.session.findMany({
      where: { revokedAt: { gte: since } },
      orderBy: { revokedAt: 'desc' },
      take: limit,
      select: { id: true, revokedAt: true },
    });
    return rows.flatMap(({ id, revokedAt }) => (revokedAt ? [{ id, revokedAt }] : []));
  }

  // Trusted devices and new-device challenges

  /** The trusted device a secret belongs to (of any account; the caller compares the owner). */
  findTrustedDevice(secretHash: string) {
    return this.db.trustedDevice.findUnique({
      where: { secretHash },
      select: { id: true, userId: true },
    });
  }

  async trustDevice(
    data: { userId: string; secretHash: string; description: string },
    at: Date,
  ): Promise<void> {
    await this.db.trustedDevice.create({ data: { ...data, firstSeenAt: at, lastSeenAt: at } });
  }

  async touchTrustedDevice(id: string, at: Date): Promise<void> {
    await this.db.trustedDevice.updateMany({ where: { id }, data: { lastSeenAt: at } });
  }

  /** Serialises sign-in challenges of one account (the row lock lasts for the transaction). */
  async lockUser(userId: string): Promise<void> {
    await this.db.$queryRaw`SELECT 1 FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
  }

  /** The account's newest challenge that can still be answered, if any. */
  latestOpenChallenge(userId: string, at: Date) {
    return this.db.signInChallenge.findFirst({
      where: { userId, completedAt: null, expiresAt: { gt: at } },
      orderBy: { createdAt: 'desc' },
      select: { id: true, deviceFingerprint: true, expiresAt: true, createdAt: true },
    });
  }

  /** A new challenge; every older open challenge of the account expires now. */
  async createChallenge(
    data: { userId: string; deviceFingerprint: string; codeHash: string; expiresAt: Date },
    at: Date,
  ) {
    await this.db.signInChallenge.updateMany({
      where: { userId: data.userId, completedAt: null, expiresAt: { gt: at } },
      data: { expiresAt: at },
    });
    return this.db.signInChallenge.create({
      data: { ...data, createdAt: at },
      select: { id: true, expiresAt: true },
    });
  }

  /**
   * Spends one of the account's code attempts (across all its challenges) in one statement: a
   * window older than `windowMs` starts again. Returns the attempts spent in the window with this
   * one and when the window started, or null when the window's `max` are spent.
   */
  async spendCodeBudget(
    userId: string,
    max: number,
    windowMs: number,
    at: Date,
  ): Promise<{ spent: number; windowStartedAt: Date } | null> {
    const expired = new Date(at.getTime() - windowMs);
    const rows = await this.db.$queryRaw<{ spent: number; window_started_at: Date }[]>`
      INSERT INTO sign_in_code_budgets AS b (user_id, window_started_at, spent)
      VALUES (${userId}::uuid, ${at}, 1)
      ON CONFLICT (user_id) DO UPDATE SET
        spent = CASE WHEN b.window_started_at <= ${expired} THEN 1 ELSE b.spent + 1 END,
        window_started_at = CASE WHEN b.window_started_at <= ${expired} THEN ${at}
          ELSE b.window_started_at END
      WHERE b.window_started_at <= ${expired} OR b.spent < ${max}
      RETURNING spent, window_started_at`;
    const row = rows[0];
    return row ? { spent: row.spent, windowStartedAt: row.window_started_at } : null;
  }

  /** The account's code attempts in its current window (0 when it has none or it is over). */
  async codeBudget(userId: string, windowMs: number, at: Date) {
    const budget = await this.db.signInCodeBudget.findUnique({ where: { userId } });
    if (!budget || budget.windowStartedAt.getTime() <= at.getTime() - windowMs) return null;
    return { spent: budget.spent, windowStartedAt: budget.windowStartedAt };
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

  // One-time tokens (password reset)

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
      select: { userId: true, expiresAt: true, usedAt: true },
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

  /** Attempts before `attempt` since `since`: in its bucket (with the newest one's time), and
   * from the IP (with the oldest one's time), when `ip` is given. */
  async signInFailuresSince(attempt: bigint, bucket: string, ip: string | null, since: Date) {
    const [inBucket, byIp] = await Promise.all([
      this.db.signInFailure.aggregate({
        where: { identifier: bucket, occurredAt: { gt: since }, id: { not: attempt } },
        _count: { _all: true },
        _max: { occurredAt: true },
      }),
      ip
        ? this.db.signInFailure.aggregate({
            where: { ip, occurredAt: { gt: since }, id: { not: attempt } },
            _count: { _all: true },
            _min: { occurredAt: true },
          })
        : null,
    ]);
    return {
      bucketFailures: inBucket._count._all,
      latestBucketFailureAt: inBucket._max.occurredAt,
      ipFailures: byIp?._count._all ?? 0,
      oldestIpFailureAt: byIp?._min.occurredAt ?? null,
    };
  }

  async clearSignInFailures(identifier: string): Promise<void> {
    await this.db.signInFailure.deleteMany({ where: { identifier } });
  }

  /** Deletes delivered outbox rows of these types sent before `before`; returns how many. */
  async pruneSentEvents(types: readonly string[], before: Date): Promise<number> {
    const { count } = await this.db.outboxEvent.deleteMany({
      where: { type: { in: [...types] }, sentAt: { lt: before } },
    });
    return count;
  }

  async pruneSignInFailures(before: Date): Promise<void> {
    await this.db.signInFailure.deleteMany({ where: { occurredAt: { lt: before } } });
  }
}
