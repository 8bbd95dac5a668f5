import { dictionary } from '@zxcvbn-ts/language-common';
import { z } from 'zod';
import { ISO_COUNTRY_CODES } from './country-codes.js';

export const EMAIL_MAX_LENGTH = 254;
export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 30;
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;
export const PICTURE_URL_MAX_LENGTH = 2048;

const requiredString = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `${what} is required.` : undefined) });

export const emailSchema = requiredString('Email')
  .trim()
  .toLowerCase()
  .max(EMAIL_MAX_LENGTH, `Email must be at most ${EMAIL_MAX_LENGTH} characters.`)
  .pipe(z.email('Enter a valid email address.'));

export const usernameSchema = requiredString('Username')
  .trim()
  .min(USERNAME_MIN_LENGTH, `Username must be at least ${USERNAME_MIN_LENGTH} characters.`)
  .max(USERNAME_MAX_LENGTH, `Username must be at most ${USERNAME_MAX_LENGTH} characters.`)
  .regex(/^[A-Za-z0-9_-]*$/, 'Username may contain only letters, digits, "_" and "-".')
  .toLowerCase();

let commonPasswords: ReadonlySet<string> | undefined;

/** True when `password` is on the common-password list (49k entries), ignoring case. */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(dictionary['passwords-common'].map((entry) => entry.toLowerCase()));
  return commonPasswords.has(password.toLowerCase());
}

/** Strength rules that need no account: length and the common-password list. */
export const passwordSchema = requiredString('Password')
  .min(PASSWORD_MIN_LENGTH, `Password must be at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH, `Password must be at most ${PASSWORD_MAX_LENGTH} characters.`)
  // Short ones already failed; do not pile a second message on them.
  .refine(
    (password) => password.length < PASSWORD_MIN_LENGTH || !isCommonPassword(password),
    'This password is too common.',
  );

/** Parts of an account a password must not contain (the username, the email's local part). */
export interface PasswordIdentity {
  username?: string | null;
  email?: string | null;
}

const MIN_IDENTITY_PART_LENGTH = 3;

/** Why `password` is too close to the account's own names, or null when it is not. */
export function passwordIdentityProblem(
  password: string,
  identity: PasswordIdentity,
): string | null {
  const lowered = password.toLowerCase();
  const username = identity.username?.trim().toLowerCase();
  if (username && username.length >= MIN_IDENTITY_PART_LENGTH && lowered.includes(username)) {
    return 'Password must not contain your username.';
  }
  const localPart = identity.email?.trim().toLowerCase().split('@')[0];
  if (localPart && localPart.length >= MIN_IDENTITY_PART_LENGTH && lowered.includes(localPart)) {
    return 'Password must not contain your email address.';
  }
  return null;
}

/** `passwordSchema` plus the identity rule, for changePassword/resetPassword once the account is known. */
export function passwordForAccountSchema(identity: PasswordIdentity) {
  return passwordSchema.superRefine((password, ctx) => {
    const problem = passwordIdentityProblem(password, identity);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

export const countrySchema = requiredString('Country')
  .trim()
  .toUpperCase()
  .refine(
    (code) => ISO_COUNTRY_CODES.has(code),
    'Country must be an ISO 3166-1 alpha-2 code, e.g. "DE".',
  );

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
}

/** Optional http(s) URL; empty, null or missing becomes null. */
export const pictureUrlSchema = z
  .string()
  .trim()
  .max(PICTURE_URL_MAX_LENGTH, `Picture URL must be at most ${PICTURE_URL_MAX_LENGTH} characters.`)
  .refine((url) => url === '' || isHttpUrl(url), 'Enter an http(s) URL.')
  .nullish()
  .transform((url) => (url ? url : null));

export const signUpInputSchema = z
  .object({
    email: emailSchema,
    username: usernameSchema,
    password: passwordSchema,
    country: countrySchema,
    profilePictureUrl: pictureUrlSchema,
  })
  .superRefine((input, ctx) => {
    // Runs even when other fields failed (their values are then raw), so check the types.
    if (typeof input.password !== 'string') return;
    const problem = passwordIdentityProblem(input.password, {
      username: typeof input.username === 'string' ? input.username : null,
      email: typeof input.email === 'string' ? input.email : null,
    });
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
  });
export type SignUpInput = z.output<typeof signUpInputSchema>;

/** Sign-in takes any non-empty password: strength rules apply when one is set, not when used. */
export const signInInputSchema = z.object({
  emailOrUsername: requiredString('Email or username')
    .trim()
    .toLowerCase()
    .min(1, 'Enter your email or username.')
    .max(EMAIL_MAX_LENGTH, 'Enter your email or username.'),
  password: requiredString('Password')
    .min(1, 'Enter your password.')
    .max(PASSWORD_MAX_LENGTH, `Password must be at most ${PASSWORD_MAX_LENGTH} characters.`),
  /** The device secret of an earlier sign-in; anything else simply counts as a new device. */
  deviceSecret: z.string().max(200).nullish(),
});
export type SignInInput = z.output<typeof signInInputSchema>;

/** What a normalised sign-in identifier names: usernames cannot contain "@", emails must. */
export function loginIdentifier(
  emailOrUsername: string,
): { kind: 'email'; email: string } | { kind: 'username'; username: string } {
  const value = emailOrUsername.trim().toLowerCase();
  return value.includes('@')
    ? { kind: 'email', email: value }
    : { kind: 'username', username: value };
}

const tokenSchema = requiredString('Token')
  .trim()
  .min(1, 'Token is required.')
  .max(512, 'Invalid token.');

export const requestPasswordResetInputSchema = z.object({ email: emailSchema });

/** The new password's identity rule needs the account: check it with `passwordForAccountSchema`. */
export const resetPasswordInputSchema = z.object({
  token: tokenSchema,
  newPassword: passwordSchema,
});

export const changePasswordInputSchema = z.object({
  currentPassword: requiredString('Current password')
    .min(1, 'Enter your current password.')
    .max(PASSWORD_MAX_LENGTH, `Password must be at most ${PASSWORD_MAX_LENGTH} characters.`),
  newPassword: passwordSchema,
});

/** The token is checked against the pending sign-ups; anything unknown is the same error. */
export const completeSignUpInputSchema = z.object({ token: tokenSchema });

export const resendSignUpConfirmationInputSchema = z.object({ email: emailSchema });

export const signInCodeSchema = requiredString('Code')
  .trim()
  .regex(/^\d{6}$/, 'Enter the 6-digit code from the email.');
