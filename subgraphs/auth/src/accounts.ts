import {
  AppError,
  errors,
  isUniqueViolation,
  isUuid,
  parseInput,
  requireViewer,
  type Caller,
} from '@jobber/service-kit';
import { deviceFingerprint } from './devices.js';
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
  MAX_SIGN_IN_CODE_ATTEMPTS,
  PASSWORD_RESET_TOKEN_TTL_MS,
  SIGN_IN_CODE_TTL_MS,
  VERIFICATION_TOKEN_TTL_MS,
} from './refresh-rotation.js';
import { hashSecret, newOpaqueToken, newSignInCode } from './secrets.js';
import { decideSignInCode } from './sign-in-codes.js';
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
  ) {}

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
        return this.sessions.start(store, user, caller.client, deviceFingerprint(caller.client));
      })
      .catch((error: unknown) => {
        // Lost a race with another sign-up for the same email or username.
        if (isUniqueViolation(error))
          throw errors.conflict('That email or username is already taken.');
        throw error;
      });
  }

  async signIn(raw: unknown, caller: Caller): Promise<IssuedSession | SignInChallenge> {
    const { emailOrUsername, password } = parseInput(signInInputSchema, raw);
    const now = this.clock();
    // The attempt is recorded before the password is checked, so parallel guesses count
    // against the limit too; a right password removes the account's records again.
    const attempt = await this.store.recordSignInAttempt(emailOrUsername, caller.client.ip, now);
    const counted = await this.store.signInFailuresSince(
      emailOrUsername,
      caller.client.ip,
      new Date(now.getTime() - THROTTLE.windowMs),
    );
    const throttle = checkThrottle({
      ...counted,
      accountFailures: counted.accountFailures - 1,
      ipFailures: caller.client.ip ? counted.ipFailures - 1 : 0,
      now,
    });
    if (!throttle.allowed) {
      await this.store.forgetSignInAttempt(attempt);
      throw errors.tooManyRequests(
        'Too many failed sign-ins. Try again later.',
        throttle.retryAfterSeconds,
      );
    }
    const identifier = loginIdentifier(emailOrUsername);
    const account = await this.store.findUserWithPassword(
      identifier.kind === 'email' ? { email: identifier.email } : { username: identifier.username },
    );
    // An unknown account still pays for one hash verification, so timing reveals nothing.
    if (!(await verifyPasswordOrDummy(account?.passwordHash ?? null, password)) || !account) {
      throw badCredentials();
    }
    const { passwordHash: _hash, ...user } = account;
    await this.store.clearSignInFailures(emailOrUsername);
    const fingerprint = deviceFingerprint(caller.client);
    if (await this.store.isKnownDevice(user.id, fingerprint)) {
      return this.store.transaction((store) =>
        this.sessions.start(store, user, caller.client, fingerprint),
      );
    }
    const code = newSignInCode();
    const expiresAt = new Date(now.getTime() + SIGN_IN_CODE_TTL_MS);
    const challenge = await this.store.transaction(async (store) => {
      const created = await store.createChallenge({
        userId: user.id,
        deviceFingerprint: fingerprint,
        codeHash: hashSecret(code),
        expiresAt,
      });
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
    // Each try spends an attempt atomically before the code is compared, so parallel guesses
    // cannot outrun the limit; null when none is left (or the challenge is done or expired).
    const spent =
      challenge && sameDevice ? await this.store.spendCodeAttempt(challengeId, now) : null;
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
      case 'wrong-code':
        throw errors.badUserInput('The code is incorrect.', [
          {
            field: 'code',
            message: `The code is incorrect; ${decision.attemptsLeft} attempts left.`,
          },
        ]);
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
      return this.sessions.start(store, user, caller.client, deviceFingerprint(caller.client));
    });
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

  async requestPasswordReset(rawEmail: unknown): Promise<boolean> {
    const { email } = parseInput(requestPasswordResetInputSchema, { email: rawEmail });
    const account = await this.store.findUserWithPassword({ email });
    const now = this.clock();
    // The answer is the same whether or not the address has an account.
    if (!account) return true;
    const last = await this.store.latestOneTimeTokenAt(account.id, 'RESET_PASSWORD');
    if (last && now.getTime() - last.createdAt.getTime() < RESEND_INTERVAL_MS) return true;
    const { passwordHash: _hash, ...user } = account;
    await this.store.transaction((store) =>
      this.sendOneTimeToken(store, user, 'RESET_PASSWORD', now),
    );
    return true;
  }

  async resetPassword(raw: unknown, caller: Caller): Promise<boolean> {
    const { token, newPassword } = parseInput(resetPasswordInputSchema, raw);
    const tokenHash = hashSecret(token);
    const now = this.clock();
    const owner = await this.store.findOneTimeToken(tokenHash, 'RESET_PASSWORD');
    refuseOtherAccount(caller, owner?.userId);
    const [user] = owner ? await this.store.usersByIds([owner.userId]) : [];
    if (user) parseInput(passwordForAccountSchema(user), newPassword, 'newPassword');
    const passwordHash = await hashPassword(newPassword);
    await this.store.transaction(async (store) => {
      const userId = await store.useOneTimeToken(tokenHash, 'RESET_PASSWORD', now);
      if (!userId || !user)
        throw invalidToken('This password-reset link is invalid or has expired.');
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

function invalidToken(message: string): AppError {
  return errors.badUserInput(message, [{ field: 'token', message }]);
}
