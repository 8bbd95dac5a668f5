import {
  AppError,
  errors,
  isUniqueViolation,
  isUuid,
  parseInput,
  requireService,
  requireViewer,
  type Caller,
} from '@jobber/service-kit';
import { describeDevice, deviceFingerprint } from './devices.js';
import {
  changePasswordInputSchema,
  loginIdentifier,
  passwordForAccountSchema,
  requestPasswordResetInputSchema,
  resetPasswordInputSchema,
  signInCodeSchema,
  signInInputSchema,
  signUpInputSchema,
  verifyEmailInputSchema,
} from './input-rules.js';
import { hashPassword, verifyPassword, verifyPasswordOrDummy } from './password-hashing.js';
import {
  CODE_ATTEMPTS_PER_ACCOUNT,
  CODE_RESEND_INTERVAL_MS,
  MAX_SIGN_IN_CODE_ATTEMPTS,
  PASSWORD_RESET_TOKEN_TTL_MS,
  SIGN_IN_CODE_TTL_MS,
  VERIFICATION_TOKEN_TTL_MS,
} from './refresh-rotation.js';
import { hashSecret, newOpaqueToken, newSignInCode } from './secrets.js';
import { decideSignInCode, isOneTimeTokenUsable } from './sign-in-codes.js';
import { THROTTLE, checkThrottle } from './sign-in-throttle.js';
import { invalidRefreshToken, type IssuedSession, type Sessions } from './sessions.js';
import type { AuthStore, OneTimePurpose } from './store.js';

/** An account as the rest of the subgraph sees it (never with its password hash). */
export interface UserRecord {
  id: string;
  email: string;
  username: string;
  roles: string[];
  emailVerifiedAt: Date | null;
  createdAt: Date;
  /** Set where the account is shown to its owner before they hold a token (a fresh session). */
  ownerView?: boolean;
}

export interface SignInChallenge {
  challengeId: string;
  sentTo: string;
  expiresAt: Date;
}

/** The same answer for an unknown account and a wrong password (and the same time, see below). */
const badCredentials = () => errors.unauthenticated('The email/username or password is incorrect.');
/** What `_revokedSessions` answers at most: as many as a gateway keeps (its RevokedSessions). */
const REVOKED_SESSIONS_AT_MOST = 100_000;
/** Emails may be re-sent at most this often per account. */
const RESEND_INTERVAL_MS = 60_000;

function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

/**
 * The account rules: sign-up, sign-in with the new-device check, sessions, email verification
 * and passwords. Every state change and the events it causes commit in one transaction.
 */
export class Accounts {
  constructor(
    private readonly store: AuthStore,
    private readonly sessions: Sessions,
    private readonly clock: () => Date = () => new Date(),
    private readonly onBackgroundError: (error: unknown) => void = () => {},
  ) {}

  private readonly background = new Set<Promise<void>>();

  async signUp(raw: unknown, caller: Caller): Promise<IssuedSession> {
    const data = parseInput(signUpInputSchema, raw);
    await this.assertAvailable(data.email, data.username);
    const passwordHash = await hashPassword(data.password);
    const now = this.clock();
    return this.store
      .transaction(async (store) => {
        const user = await store.createUser({
          email: data.email,
          username: data.username,
          passwordHash,
        });
        await store.enqueue('auth.user.registered', {
          userId: user.id,
          email: user.email,
          username: user.username,
          country: data.country,
          profilePictureUrl: data.profilePictureUrl,
          registeredAt: user.createdAt.toISOString(),
        });
        await this.sendOneTimeToken(store, user, 'VERIFY_EMAIL', now);
        return this.startOnNewTrustedDevice(store, user, caller, now);
      })
      .catch((error: unknown) => {
        // Lost a race with another sign-up for the same email or username.
        if (isUniqueViolation(error))
          throw errors.conflict('That email or username is already taken.');
        throw error;
      });
  }

  async signIn(raw: unknown, caller: Caller): Promise<IssuedSession | SignInChallenge> {
    const { emailOrUsername, password, deviceSecret } = parseInput(signInInputSchema, raw);
    const now = this.clock();
    const identifier = loginIdentifier(emailOrUsername);
    const account = await this.store.findUserWithPassword(
      identifier.kind === 'email' ? { email: identifier.email } : { username: identifier.username },
    );
    // Only a server-issued secret makes a device trusted; user-agent facts never do.
    const device = deviceSecret
      ? await this.store.findTrustedDevice(hashSecret(deviceSecret))
      : null;
    const trusted = account && device?.userId === account.id ? device : null;
    const bucket = trusted
      ? `device:${trusted.id}`
      : account
        ? `account:${account.id}`
        : `name:${emailOrUsername}`;
    // A trusted device is not held back by failures from elsewhere (its own bucket, no IP bound).
    const ip = trusted ? null : caller.client.ip;
    // The attempt is recorded before the password is checked, so parallel guesses count
    // against the limit too; a right password removes the bucket's records again.
    const attempt = await this.store.recordSignInAttempt(bucket, caller.client.ip, now);
    const counted = await this.store.signInFailuresSince(
      attempt,
      bucket,
      ip,
      new Date(now.getTime() - THROTTLE.windowMs),
    );
    const throttle = checkThrottle({ ...counted, now });
    if (!throttle.allowed) {
      await this.store.forgetSignInAttempt(attempt);
      throw errors.tooManyRequests(
        'Too many failed sign-ins. Try again later.',
        throttle.retryAfterSeconds,
      );
    }
    // An unknown account still pays for one hash verification, so timing reveals nothing.
    if (!(await verifyPasswordOrDummy(account?.passwordHash ?? null, password)) || !account) {
      throw badCredentials();
    }
    const { passwordHash: _hash, ...user } = account;
    await this.store.clearSignInFailures(bucket);
    if (trusted && deviceSecret) {
      return this.store.transaction(async (store) => {
        await store.touchTrustedDevice(trusted.id, now);
        const session = await this.sessions.start(
          store,
          user,
          caller.client,
          deviceFingerprint(caller.client),
        );
        return { ...session, deviceSecret };
      });
    }
    return this.challenge(user, caller, now);
  }

  /** A sign-in without a trusted device: email a code, at most once a minute per account. */
  private async challenge(user: UserRecord, caller: Caller, now: Date): Promise<SignInChallenge> {
    const used = await this.store.codeBudget(user.id, CODE_ATTEMPTS_PER_ACCOUNT.windowMs, now);
    if (used && used.spent >= CODE_ATTEMPTS_PER_ACCOUNT.max) {
      throw errors.tooManyRequests(
        'Too many wrong sign-in codes for this account. Try again later.',
        secondsUntil(codeWindowEnd(used.windowStartedAt), now),
      );
    }
    const fingerprint = deviceFingerprint(caller.client);
    const code = newSignInCode();
    const expiresAt = new Date(now.getTime() + SIGN_IN_CODE_TTL_MS);
    const challenge = await this.store.transaction(async (store) => {
      await store.lockUser(user.id);
      const open = await store.latestOpenChallenge(user.id, now);
      const resendAt = open ? open.createdAt.getTime() + CODE_RESEND_INTERVAL_MS : 0;
      if (open && resendAt > now.getTime()) {
        // The code of a minute ago is still on its way: the same device gets the same challenge.
        if (open.deviceFingerprint === fingerprint) return open;
        throw errors.tooManyRequests(
          'A sign-in code was just sent. Try again in a minute.',
          secondsUntil(new Date(resendAt), now),
        );
      }
      const created = await store.createChallenge(
        { userId: user.id, deviceFingerprint: fingerprint, codeHash: hashSecret(code), expiresAt },
        now,
      );
      await store.enqueue('auth.sign_in.code_requested', {
        userId: user.id,
        email: user.email,
        username: user.username,
        code,
        expiresAt: expiresAt.toISOString(),
      });
      return created;
    });
    return {
      challengeId: challenge.id,
      sentTo: maskEmail(user.email),
      expiresAt: challenge.expiresAt,
    };
  }

  async verifySignInCode(
    challengeId: string,
    rawCode: unknown,
    caller: Caller,
  ): Promise<IssuedSession> {
    const code = parseInput(signInCodeSchema, rawCode, 'code');
    const now = this.clock();
    const challenge = isUuid(challengeId) ? await this.store.findChallenge(challengeId) : null;
    // A code is bound to the device that asked for it.
    const sameDevice = challenge?.deviceFingerprint === deviceFingerprint(caller.client);
    // Each try spends one of the challenge's attempts, then one of the account's (across all its
    // challenges), each atomically before the code is compared, so parallel guesses cannot
    // outrun either limit; null when none is left (or the challenge is done or expired).
    const spent =
      challenge && sameDevice ? await this.store.spendCodeAttempt(challengeId, now) : null;
    const budget =
      challenge && spent !== null
        ? await this.store.spendCodeBudget(
            challenge.userId,
            CODE_ATTEMPTS_PER_ACCOUNT.max,
            CODE_ATTEMPTS_PER_ACCOUNT.windowMs,
            now,
          )
        : null;
    if (challenge && spent !== null && !budget) {
      const used = await this.store.codeBudget(
        challenge.userId,
        CODE_ATTEMPTS_PER_ACCOUNT.windowMs,
        now,
      );
      throw errors.tooManyRequests(
        'Too many wrong sign-in codes for this account. Try again later.',
        secondsUntil(codeWindowEnd(used?.windowStartedAt ?? now), now),
      );
    }
    const decision = decideSignInCode(
      challenge && sameDevice
        ? {
            ...challenge,
            attempts: spent ?? MAX_SIGN_IN_CODE_ATTEMPTS,
            consumedAt: challenge.completedAt,
          }
        : null,
      code,
      now,
    );
    switch (decision.kind) {
      case 'invalid':
      case 'expired':
        throw errors.badUserInput('This sign-in code is no longer valid. Sign in again.', [
          { field: 'challengeId', message: 'Unknown or expired sign-in.' },
        ]);
      case 'too-many-attempts':
        throw errors.tooManyRequests('Too many wrong codes. Sign in again to get a new code.', 0);
      case 'wrong-code': {
        const accountLeft = CODE_ATTEMPTS_PER_ACCOUNT.max - (budget?.spent ?? 0);
        if (challenge && budget && accountLeft === 0)
          await this.codeAttemptsUsedUp(challenge.userId, codeWindowEnd(budget.windowStartedAt));
        const left = Math.min(decision.attemptsLeft, accountLeft);
        throw errors.badUserInput('The code is incorrect.', [
          { field: 'code', message: `The code is incorrect; ${left} attempts left.` },
        ]);
      }
      case 'accept':
        break;
    }
    const userId = challenge?.userId ?? '';
    return this.store.transaction(async (store) => {
      if (!(await store.completeChallenge(challengeId, now))) {
        throw errors.badUserInput('This sign-in code was already used.', [
          { field: 'code', message: 'Already used.' },
        ]);
      }
      const [user] = await store.usersByIds([userId]);
      if (!user) throw errors.notFound('Account');
      return this.startOnNewTrustedDevice(store, user, caller, now);
    });
  }

  /** Tells the owner (by email, through notifications) that new-device sign-ins are locked. */
  private async codeAttemptsUsedUp(userId: string, lockedUntil: Date): Promise<void> {
    const [user] = await this.store.usersByIds([userId]);
    if (!user) return;
    await this.store.transaction((store) =>
      store.enqueue('auth.sign_in.locked', {
        userId: user.id,
        email: user.email,
        username: user.username,
        reason: 'CODE_ATTEMPTS',
        lockedUntil: lockedUntil.toISOString(),
      }),
    );
  }

  /** Trusts the caller's device with a new random secret and starts a session on it. */
  private async startOnNewTrustedDevice(
    store: AuthStore,
    user: UserRecord,
    caller: Caller,
    now: Date,
  ): Promise<IssuedSession> {
    const deviceSecret = newOpaqueToken();
    await store.trustDevice(
      {
        userId: user.id,
        secretHash: hashSecret(deviceSecret),
        description: describeDevice(caller.client.userAgent),
      },
      now,
    );
    const session = await this.sessions.start(
      store,
      user,
      caller.client,
      deviceFingerprint(caller.client),
    );
    return { ...session, deviceSecret };
  }

  async refreshSession(refreshToken: string): Promise<IssuedSession> {
    const result = await this.store.transaction((store) =>
      this.sessions.refresh(
        store,
        refreshToken,
        async (id) => (await store.usersByIds([id]))[0] ?? null,
      ),
    );
    if (result.kind !== 'rotated') throw invalidRefreshToken();
    return result.session;
  }

  async signOut(refreshToken: string, caller: Caller): Promise<boolean> {
    const viewer = requireViewer(caller);
    const owner = await this.sessions.ownerOf(this.store, refreshToken);
    if (!owner) throw errors.notFound('Session');
    if (owner.userId !== viewer.id)
      throw errors.forbidden('That session belongs to another account.');
    await this.sessions.revoke(this.store, owner.sessionId, 'SIGN_OUT');
    return true;
  }

  async signOutEverywhere(caller: Caller): Promise<boolean> {
    const viewer = requireViewer(caller);
    await this.store.revokeAllSessions(viewer.id, 'SIGN_OUT_EVERYWHERE', this.clock());
    return true;
  }

  /**
   * The sessions revoked at or after `since`, newest first, at most as many as a gateway keeps:
   * for the gateway's own catch-up call only (FORBIDDEN for a client's request).
   */
  async revokedSessionsSince(
    since: Date,
    caller: Caller,
  ): Promise<{ id: string; revokedAt: Date }[]> {
    requireService(caller);
    return this.store.sessionsRevokedSince(since, REVOKED_SESSIONS_AT_MOST);
  }

  async verifyEmail(rawToken: unknown, caller: Caller): Promise<UserRecord> {
    const { token } = parseInput(verifyEmailInputSchema, { token: rawToken });
    const tokenHash = hashSecret(token);
    const now = this.clock();
    return this.store.transaction(async (store) => {
      await this.assertTokenOwner(store, tokenHash, 'VERIFY_EMAIL', caller);
      const userId = await store.useOneTimeToken(tokenHash, 'VERIFY_EMAIL', now);
      if (!userId) throw invalidToken('This verification link is invalid or has expired.');
      return store.markEmailVerified(userId, now);
    });
  }

  async resendVerificationEmail(caller: Caller): Promise<boolean> {
    const viewer = requireViewer(caller);
    const [user] = await this.store.usersByIds([viewer.id]);
    if (!user) throw errors.notFound('Account');
    if (user.emailVerifiedAt) throw errors.conflict('Your email address is already verified.');
    const now = this.clock();
    await this.assertNotResentRecently(user.id, 'VERIFY_EMAIL', now);
    await this.store.transaction((store) =>
      this.sendOneTimeToken(store, user, 'VERIFY_EMAIL', now),
    );
    return true;
  }

  /**
   * Answers at once, the same way and in the same time whether or not the address has an
   * account: the lookup and the email happen after the answer (`settle()` awaits them).
   */
  async requestPasswordReset(rawEmail: unknown): Promise<boolean> {
    const { email } = parseInput(requestPasswordResetInputSchema, { email: rawEmail });
    const work = this.sendPasswordReset(email).catch(this.onBackgroundError);
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
    return true;
  }

  /** Waits for work started after an answer (password-reset emails); call before stopping. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.background]);
  }

  private async sendPasswordReset(email: string): Promise<void> {
    const account = await this.store.findUserWithPassword({ email });
    const now = this.clock();
    if (!account) return;
    const last = await this.store.latestOneTimeTokenAt(account.id, 'RESET_PASSWORD');
    if (last && now.getTime() - last.createdAt.getTime() < RESEND_INTERVAL_MS) return;
    const { passwordHash: _hash, ...user } = account;
    await this.store.transaction((store) =>
      this.sendOneTimeToken(store, user, 'RESET_PASSWORD', now),
    );
  }

  async resetPassword(raw: unknown, caller: Caller): Promise<boolean> {
    const { token, newPassword } = parseInput(resetPasswordInputSchema, raw);
    const tokenHash = hashSecret(token);
    const now = this.clock();
    const owner = await this.store.findOneTimeToken(tokenHash, 'RESET_PASSWORD');
    refuseOtherAccount(caller, owner?.userId);
    // The cheap checks first: no hash is computed for a token that cannot be used.
    const [user] =
      owner && isOneTimeTokenUsable(owner, now) ? await this.store.usersByIds([owner.userId]) : [];
    if (!user) throw invalidToken('This password-reset link is invalid or has expired.');
    parseInput(passwordForAccountSchema(user), newPassword, 'newPassword');
    const passwordHash = await hashPassword(newPassword);
    await this.store.transaction(async (store) => {
      const userId = await store.useOneTimeToken(tokenHash, 'RESET_PASSWORD', now);
      if (!userId) throw invalidToken('This password-reset link is invalid or has expired.');
      await store.setPassword(userId, passwordHash, now);
      await store.revokeAllSessions(userId, 'PASSWORD_RESET', now);
      await this.passwordChanged(store, user, now);
    });
    return true;
  }

  async changePassword(raw: unknown, caller: Caller): Promise<IssuedSession> {
    const viewer = requireViewer(caller);
    const { currentPassword, newPassword } = parseInput(changePasswordInputSchema, raw);
    const account = await this.store.findUserWithPassword({ id: viewer.id });
    if (!account) throw errors.notFound('Account');
    if (!(await verifyPassword(account.passwordHash, currentPassword))) {
      throw errors.badUserInput('The current password is incorrect.', [
        { field: 'currentPassword', message: 'The current password is incorrect.' },
      ]);
    }
    const { passwordHash: _hash, ...user } = account;
    parseInput(passwordForAccountSchema(user), newPassword, 'newPassword');
    const passwordHash = await hashPassword(newPassword);
    const now = this.clock();
    return this.store.transaction(async (store) => {
      await store.setPassword(user.id, passwordHash, now);
      // Every other session ends; this device gets a fresh one.
      await store.revokeAllSessions(user.id, 'PASSWORD_CHANGED', now);
      await this.passwordChanged(store, user, now);
      return this.sessions.start(store, user, caller.client, deviceFingerprint(caller.client));
    });
  }

  private async assertAvailable(email: string, username: string): Promise<void> {
    const taken = await this.store.takenIdentifiers(email, username);
    if (taken.email) throw errors.conflict('An account with this email already exists.', 'email');
    if (taken.username) throw errors.conflict('This username is taken.', 'username');
  }

  private async assertNotResentRecently(
    userId: string,
    purpose: OneTimePurpose,
    now: Date,
  ): Promise<void> {
    const last = await this.store.latestOneTimeTokenAt(userId, purpose);
    const waitMs = last ? last.createdAt.getTime() + RESEND_INTERVAL_MS - now.getTime() : 0;
    if (waitMs > 0)
      throw errors.tooManyRequests(
        'An email was just sent. Try again in a minute.',
        Math.ceil(waitMs / 1000),
      );
  }

  /** For links whose owner is not yet known: looks it up, then `refuseOtherAccount`. */
  private async assertTokenOwner(
    store: AuthStore,
    tokenHash: string,
    purpose: OneTimePurpose,
    caller: Caller,
  ) {
    if (caller.viewer)
      refuseOtherAccount(caller, (await store.findOneTimeToken(tokenHash, purpose))?.userId);
  }

  private async sendOneTimeToken(
    store: AuthStore,
    user: UserRecord,
    purpose: OneTimePurpose,
    now: Date,
  ) {
    const token = newOpaqueToken();
    const ttl =
      purpose === 'VERIFY_EMAIL' ? VERIFICATION_TOKEN_TTL_MS : PASSWORD_RESET_TOKEN_TTL_MS;
    const expiresAt = new Date(now.getTime() + ttl);
    await store.replaceOneTimeToken(
      { userId: user.id, purpose, tokenHash: hashSecret(token), expiresAt },
      now,
    );
    const data = {
      userId: user.id,
      email: user.email,
      username: user.username,
      token,
      expiresAt: expiresAt.toISOString(),
    };
    if (purpose === 'VERIFY_EMAIL') await store.enqueue('auth.email.verification_requested', data);
    else await store.enqueue('auth.password.reset_requested', data);
  }

  private async passwordChanged(store: AuthStore, user: UserRecord, now: Date) {
    await store.enqueue('auth.password.changed', {
      userId: user.id,
      email: user.email,
      username: user.username,
      changedAt: now.toISOString(),
    });
  }
}

/** A signed-in caller may only use links of their own account (anyone may while signed out). */
function refuseOtherAccount(caller: Caller, ownerId: string | undefined): void {
  if (caller.viewer && ownerId && ownerId !== caller.viewer.id) {
    throw errors.forbidden('This link belongs to another account.');
  }
}

function codeWindowEnd(windowStartedAt: Date): Date {
  return new Date(windowStartedAt.getTime() + CODE_ATTEMPTS_PER_ACCOUNT.windowMs);
}

function secondsUntil(at: Date, now: Date): number {
  return Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000));
}

function invalidToken(message: string): AppError {
  return errors.badUserInput(message, [{ field: 'token', message }]);
}
