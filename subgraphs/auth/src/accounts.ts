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
  completeSignUpInputSchema,
  loginIdentifier,
  passwordForAccountSchema,
  requestPasswordResetInputSchema,
  resendSignUpConfirmationInputSchema,
  resetPasswordInputSchema,
  signInCodeSchema,
  signInInputSchema,
  signUpInputSchema,
  type SignUpInput,
} from './input-rules.js';
import { hashPassword, verifyPassword, verifyPasswordOrDummy } from './password-hashing.js';
import {
  CODE_ATTEMPTS_PER_ACCOUNT,
  CODE_RESEND_INTERVAL_MS,
  MAX_SIGN_IN_CODE_ATTEMPTS,
  PASSWORD_RESET_TOKEN_TTL_MS,
  SIGN_IN_CODE_TTL_MS,
  SIGN_UP_CONFIRMATION_TTL_MS,
  SIGN_UP_RESEND_INTERVAL_MS,
} from './refresh-rotation.js';
import { hashSecret, newOpaqueToken, newSignInCode } from './secrets.js';
import { decideSignInCode, isOneTimeTokenUsable } from './sign-in-codes.js';
import { THROTTLE, checkThrottle } from './sign-in-throttle.js';
import { invalidRefreshToken, type IssuedSession, type Sessions } from './sessions.js';
import type { AuthStore } from './store.js';

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

/** What `signUp` answers, the same for an address with an account and one without. */
export interface SignUpPayload {
  email: string;
  expiresAt: Date;
}

/** A sign-up confirmation put in the outbox (what the notifications side will email). */
export interface SignUpConfirmation {
  email: string;
  username: string;
  token: string;
  expiresAt: Date;
}

export interface AccountsOptions {
  clock?: () => Date;
  /** Work done after its answer (password-reset and resent confirmation emails) failed. */
  onBackgroundError?: (error: unknown, what: string) => void;
  /** After a sign-up confirmation was committed to the outbox (development's stand-in mailbox). */
  onConfirmationEnqueued?: (confirmation: SignUpConfirmation) => void;
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
/** Password-reset emails are sent at most this often per account. */
const RESEND_INTERVAL_MS = 60_000;
/** How long after an answer the work it started begins (afterAnswer). */
const AFTER_ANSWER_DELAY_MS = 25;

function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

/**
 * The account rules: the two-step sign-up, sign-in with the new-device check, sessions and
 * passwords. Every state change and the events it causes commit in one transaction.
 */
export class Accounts {
  private readonly clock: () => Date;
  private readonly onBackgroundError: (error: unknown, what: string) => void;
  private readonly onConfirmationEnqueued: (confirmation: SignUpConfirmation) => void;
  private readonly background = new Set<Promise<void>>();

  constructor(
    private readonly store: AuthStore,
    private readonly sessions: Sessions,
    options: AccountsOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.onBackgroundError = options.onBackgroundError ?? (() => {});
    this.onConfirmationEnqueued = options.onConfirmationEnqueued ?? (() => {});
  }

  /**
   * Starts a sign-up. An address without an account gets a pending sign-up (replacing an earlier
   * one) and the confirmation email; an address with an account gets nothing made and its owner
   * an email that someone tried. Both answer the same and do the same work (one password hash,
   * two statements), so neither the answer nor its time tells whether the address has an account.
   */
  async signUp(raw: unknown): Promise<SignUpPayload> {
    const data = parseInput(signUpInputSchema, raw);
    const { emailOwner, usernameTaken } = await this.store.identifiersInUse(
      data.email,
      data.username,
    );
    // Usernames are public (every profile shows one), so a taken one may be told.
    if (usernameTaken) throw errors.conflict('This username is taken.', 'username');
    const passwordHash = await hashPassword(data.password);
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + SIGN_UP_CONFIRMATION_TTL_MS);
    if (emailOwner) await this.tellOwnerOfSignUp(emailOwner, now);
    else await this.storePendingSignUp(data, passwordHash, expiresAt, now);
    return { email: data.email, expiresAt };
  }

  private async storePendingSignUp(
    data: SignUpInput,
    passwordHash: string,
    expiresAt: Date,
    now: Date,
  ): Promise<void> {
    const token = newOpaqueToken();
    await this.store.transaction(async (store) => {
      const pending = await store.replacePendingSignUp(
        {
          email: data.email,
          username: data.username,
          passwordHash,
          country: data.country,
          profilePictureUrl: data.profilePictureUrl,
          tokenHash: hashSecret(token),
          expiresAt,
        },
        now,
      );
      await store.enqueue('auth.sign_up.confirmation_requested', {
        signUpId: pending.id,
        email: data.email,
        username: data.username,
        token,
        expiresAt: expiresAt.toISOString(),
      });
    });
    this.onConfirmationEnqueued({ email: data.email, username: data.username, token, expiresAt });
  }

  private async tellOwnerOfSignUp(owner: UserRecord, now: Date): Promise<void> {
    await this.store.transaction(async (store) => {
      // Left over from a race with the account's own completion, it could never complete; this
      // also gives this path the same two statements as the other one.
      await store.dropPendingSignUp(owner.email);
      await store.enqueue('auth.sign_up.existing_email', {
        userId: owner.id,
        email: owner.email,
        username: owner.username,
        attemptedAt: now.toISOString(),
      });
    });
  }

  /**
   * Makes the account of a pending sign-up from its emailed token, in one transaction: the
   * account (its address verified: the token came by email), `auth.user.registered`, the
   * device's trust and a session; the pending sign-up is gone with it. A token works once.
   */
  async completeSignUp(raw: unknown, caller: Caller): Promise<IssuedSession> {
    const { token } = parseInput(completeSignUpInputSchema, raw);
    const now = this.clock();
    return this.store
      .transaction(async (store) => {
        const pending = await store.takePendingSignUp(hashSecret(token), now);
        if (!pending)
          throw invalidToken('This sign-up link is invalid, used or expired. Sign up again.');
        const taken = await store.identifiersInUse(pending.email, pending.username);
        if (taken.emailOwner)
          throw errors.conflict('An account with this email exists now. Sign in instead.', 'email');
        if (taken.usernameTaken) throw usernameTakenMeanwhile();
        const user = await store.createUser({
          email: pending.email,
          username: pending.username,
          passwordHash: pending.passwordHash,
          emailVerifiedAt: now,
        });
        await store.enqueue('auth.user.registered', {
          userId: user.id,
          email: user.email,
          username: user.username,
          country: pending.country,
          profilePictureUrl: pending.profilePictureUrl,
          registeredAt: user.createdAt.toISOString(),
        });
        return this.startOnNewTrustedDevice(store, user, caller, now);
      })
      .catch((error: unknown) => {
        // Lost a race with another completion that took the username. (Not the email: an
        // address has one pending sign-up, and a new one waits for this transaction's end.)
        if (isUniqueViolation(error)) throw usernameTakenMeanwhile();
        throw error;
      });
  }

  /**
   * Answers true at once for every well-formed address; the lookup and the new email happen
   * after the answer (`settle()` awaits them), so the time tells nothing either. A pending
   * sign-up gets a new token (the older link stops working), at most once a minute.
   */
  async resendSignUpConfirmation(rawEmail: unknown): Promise<boolean> {
    const { email } = parseInput(resendSignUpConfirmationInputSchema, { email: rawEmail });
    this.afterAnswer(
      () => this.resendConfirmation(email),
      'resending a sign-up confirmation failed',
    );
    return true;
  }

  private async resendConfirmation(email: string): Promise<void> {
    const now = this.clock();
    const pending = await this.store.findPendingSignUp(email, now);
    if (!pending) return;
    const token = newOpaqueToken();
    const expiresAt = new Date(now.getTime() + SIGN_UP_CONFIRMATION_TTL_MS);
    const sent = await this.store.transaction(async (store) => {
      const renewed = await store.renewPendingSignUp(
        pending.id,
        { tokenHash: hashSecret(token), expiresAt },
        now,
        new Date(now.getTime() - SIGN_UP_RESEND_INTERVAL_MS),
      );
      if (!renewed) return false;
      await store.enqueue('auth.sign_up.confirmation_requested', {
        signUpId: pending.id,
        email: pending.email,
        username: pending.username,
        token,
        expiresAt: expiresAt.toISOString(),
      });
      return true;
    });
    if (sent)
      this.onConfirmationEnqueued({
        email: pending.email,
        username: pending.username,
        token,
        expiresAt,
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
      // The code came by email: the address is the owner's (older accounts were unverified).
      await store.markEmailVerified(userId, now);
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

  /**
   * Answers at once, the same way and in the same time whether or not the address has an
   * account: the lookup and the email happen after the answer (`settle()` awaits them).
   */
  async requestPasswordReset(rawEmail: unknown): Promise<boolean> {
    const { email } = parseInput(requestPasswordResetInputSchema, { email: rawEmail });
    this.afterAnswer(() => this.sendPasswordReset(email), 'sending a password-reset email failed');
    return true;
  }

  /** Waits for work started after an answer (password-reset and confirmation emails); call
   * before stopping. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.background]);
  }

  /**
   * Starts `work` once the answer has reached the caller: AFTER_ANSWER_DELAY_MS later, past the
   * response's way back through the gateway, so that what a known address costs (its lookups,
   * the token's transaction, the relay) does not compete with the answer for the machine. Begun
   * at once, it made known addresses' answers 10–18 % slower; begun on the next event-loop turn,
   * still 5–12 %; 25 ms later, 0–1 % (the enumeration test's median of paired ratios).
   */
  private afterAnswer(work: () => Promise<void>, what: string): void {
    const started = new Promise<void>((resolve) => setTimeout(resolve, AFTER_ANSWER_DELAY_MS)).then(
      work,
    );
    const tracked = started.catch((error: unknown) => this.onBackgroundError(error, what));
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }

  private async sendPasswordReset(email: string): Promise<void> {
    const account = await this.store.findUserWithPassword({ email });
    const now = this.clock();
    if (!account) return;
    const last = await this.store.latestOneTimeTokenAt(account.id, 'RESET_PASSWORD');
    if (last && now.getTime() - last.createdAt.getTime() < RESEND_INTERVAL_MS) return;
    const { passwordHash: _hash, ...user } = account;
    await this.store.transaction((store) => this.sendResetToken(store, user, now));
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
      // The link came by email: the address is the owner's (older accounts were unverified).
      await store.markEmailVerified(userId, now);
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

  private async sendResetToken(store: AuthStore, user: UserRecord, now: Date) {
    const token = newOpaqueToken();
    const expiresAt = new Date(now.getTime() + PASSWORD_RESET_TOKEN_TTL_MS);
    await store.replaceOneTimeToken(
      { userId: user.id, purpose: 'RESET_PASSWORD', tokenHash: hashSecret(token), expiresAt },
      now,
    );
    const data = {
      userId: user.id,
      email: user.email,
      username: user.username,
      token,
      expiresAt: expiresAt.toISOString(),
    };
    await store.enqueue('auth.password.reset_requested', data);
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

function usernameTakenMeanwhile(): AppError {
  return errors.conflict(
    'Someone took this username since you signed up. Sign up again with another.',
    'username',
  );
}

function invalidToken(message: string): AppError {
  return errors.badUserInput(message, [{ field: 'token', message }]);
}
