import { InputError, parseInput } from '@jobber/service-kit';
import { dictionary } from '@zxcvbn-ts/language-common';
import { describe, expect, it } from 'vitest';
import {
  changePasswordInputSchema,
  completeSignUpInputSchema,
  countrySchema,
  emailSchema,
  isCommonPassword,
  loginIdentifier,
  passwordForAccountSchema,
  passwordSchema,
  pictureUrlSchema,
  requestPasswordResetInputSchema,
  resendSignUpConfirmationInputSchema,
  resetPasswordInputSchema,
  signInCodeSchema,
  signInInputSchema,
  signUpInputSchema,
  usernameSchema,
} from '../src/input-rules.js';

const good = {
  email: 'Ada.Lovelace+jobs@Example.COM',
  username: 'Ada_L-1815',
  password: 'analytical engine notes',
  country: 'gb',
  profilePictureUrl: 'https://cdn.example.com/ada.png',
};

/** The InputError `run` throws (fails the test when it does not throw one). */
function inputErrorOf(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('sign-up input', () => {
  it('normalises a good input', () => {
    expect(parseInput(signUpInputSchema, good)).toEqual({
      email: 'ada.lovelace+jobs@example.com',
      username: 'ada_l-1815',
      password: 'analytical engine notes',
      country: 'GB',
      profilePictureUrl: 'https://cdn.example.com/ada.png',
    });
    expect(
      parseInput(signUpInputSchema, { ...good, profilePictureUrl: undefined }).profilePictureUrl,
    ).toBeNull();
    expect(
      parseInput(signUpInputSchema, { ...good, profilePictureUrl: null }).profilePictureUrl,
    ).toBeNull();
  });

  it.each([
    ['email', { email: 'not-an-email' }],
    ['email', { email: 'ada@localhost' }],
    ['email', { email: `${'a'.repeat(250)}@example.com` }],
    ['email', { email: undefined }],
    ['username', { username: 'ab' }],
    ['username', { username: 'a'.repeat(31) }],
    ['username', { username: 'ada lovelace' }],
    ['username', { username: 'ada@home' }],
    ['username', { username: 'adä' }],
    ['password', { password: 'short1!' }],
    ['password', { password: 'x'.repeat(129) }],
    ['password', { password: 'password123' }],
    ['password', { password: 'my ada_l-1815 pass' }],
    ['password', { password: 'ADA.LOVELACE+JOBS rules' }],
    ['country', { country: 'XX' }],
    ['country', { country: 'GBR' }],
    ['country', { country: '' }],
    ['profilePictureUrl', { profilePictureUrl: 'ftp://example.com/a.png' }],
    ['profilePictureUrl', { profilePictureUrl: 'javascript:alert(1)' }],
    ['profilePictureUrl', { profilePictureUrl: 'not a url' }],
    ['profilePictureUrl', { profilePictureUrl: `https://example.com/${'a'.repeat(2048)}` }],
  ])('names %s when it is bad (%j)', (field, change) => {
    const error = inputErrorOf(() => parseInput(signUpInputSchema, { ...good, ...change }));
    expect(error.fields).toEqual([field]);
    expect(error.issues[0]?.message).toBeTruthy();
    expect(error.message).toContain(`${field}: `);
  });

  it('names every bad field at once', () => {
    const error = inputErrorOf(() =>
      parseInput(signUpInputSchema, {
        email: 'nope',
        username: 'x',
        password: 'password123',
        country: 'ZZ',
        profilePictureUrl: 'mailto:a@b.c',
      }),
    );
    expect(error.fields.sort()).toEqual(
      ['country', 'email', 'password', 'profilePictureUrl', 'username'].sort(),
    );
  });

  it('still checks the password against a valid username when the email is bad', () => {
    const error = inputErrorOf(() =>
      parseInput(signUpInputSchema, { ...good, email: 'nope', password: 'xx-Ada_L-1815-xx' }),
    );
    expect(error.fields.sort()).toEqual(['email', 'password']);
  });
});

describe('field rules', () => {
  it('trims and lowercases emails and usernames', () => {
    expect(parseInput(emailSchema, '  Bob@Example.org ')).toBe('bob@example.org');
    expect(parseInput(usernameSchema, ' Bob-The_Builder ')).toBe('bob-the_builder');
    expect(parseInput(usernameSchema, 'abc')).toBe('abc');
    expect(parseInput(usernameSchema, 'a'.repeat(30))).toBe('a'.repeat(30));
  });

  it('accepts a 254-character email and refuses 255', () => {
    const at254 = `${'a'.repeat(64)}@${'b'.repeat(61)}.${'c'.repeat(61)}.${'d'.repeat(61)}.com`;
    expect(at254).toHaveLength(254);
    expect(parseInput(emailSchema, at254)).toBe(at254);
    expect(inputErrorOf(() => parseInput(emailSchema, `a${at254}`, 'email')).fields).toEqual([
      'email',
    ]);
  });

  it('names the bare value with the field given to parseInput', () => {
    const error = inputErrorOf(() => parseInput(passwordSchema, 'short', 'newPassword'));
    expect(error.issues).toEqual([
      { field: 'newPassword', message: 'Password must be at least 10 characters.' },
    ]);
    expect(inputErrorOf(() => parseInput(emailSchema, 42)).fields).toEqual(['input']);
  });

  it('rejects common passwords whatever their case, and accepts uncommon ones', () => {
    const common = dictionary['passwords-common'];
    expect(common.length).toBeGreaterThan(40_000);
    expect(common).toContain('password123');
    expect('password123').toHaveLength(11);
    expect(isCommonPassword('password123')).toBe(true);
    expect(isCommonPassword('PassWord123')).toBe(true);
    expect(isCommonPassword('qwertyuiop')).toBe(true);
    expect(isCommonPassword('analytical engine notes')).toBe(false);
    const error = inputErrorOf(() => parseInput(passwordSchema, 'PASSWORD123', 'password'));
    expect(error.issues).toEqual([{ field: 'password', message: 'This password is too common.' }]);
    expect(parseInput(passwordSchema, 'x'.repeat(128))).toHaveLength(128);
    expect(parseInput(passwordSchema, 'ten chars!')).toBe('ten chars!');
  });

  it('rejects a password containing the account names, once the account is known', () => {
    const account = { username: 'ada_l-1815', email: 'ada.lovelace@example.com' };
    const schema = passwordForAccountSchema(account);
    expect(parseInput(schema, 'analytical engine notes')).toBe('analytical engine notes');
    expect(
      inputErrorOf(() => parseInput(schema, 'hi ADA_L-1815 there', 'newPassword')).issues,
    ).toEqual([{ field: 'newPassword', message: 'Password must not contain your username.' }]);
    expect(
      inputErrorOf(() => parseInput(schema, 'i am ada.lovelace!', 'newPassword')).fields,
    ).toEqual(['newPassword']);
    // Very short email local parts are not held against the password.
    expect(parseInput(passwordForAccountSchema({ email: 'al@example.com' }), 'royal mail 42')).toBe(
      'royal mail 42',
    );
  });

  it('accepts ISO 3166-1 alpha-2 countries only, uppercased', () => {
    expect(parseInput(countrySchema, ' de ')).toBe('DE');
    expect(parseInput(countrySchema, 'XK')).toBe('XK');
    for (const code of ['UK', 'EU', 'ZZ', 'D', 'DEU', '12']) {
      expect(countrySchema.safeParse(code).success).toBe(false);
    }
  });

  it('keeps optional picture URLs http(s) and turns blanks into null', () => {
    expect(parseInput(pictureUrlSchema, ' http://img.example.com/a.jpg ')).toBe(
      'http://img.example.com/a.jpg',
    );
    expect(parseInput(pictureUrlSchema, '')).toBeNull();
    expect(parseInput(pictureUrlSchema, undefined)).toBeNull();
    expect(pictureUrlSchema.safeParse('data:image/png;base64,AAAA').success).toBe(false);
  });
});

describe('other mutation inputs', () => {
  it('normalises the sign-in identifier and tells emails from usernames', () => {
    expect(
      parseInput(signInInputSchema, { emailOrUsername: ' Ada@Example.com ', password: 'x' }),
    ).toEqual({
      emailOrUsername: 'ada@example.com',
      password: 'x',
    });
    expect(loginIdentifier('ada@example.com')).toEqual({ kind: 'email', email: 'ada@example.com' });
    expect(loginIdentifier(' Ada_L ')).toEqual({ kind: 'username', username: 'ada_l' });
    expect(
      inputErrorOf(() => parseInput(signInInputSchema, { emailOrUsername: ' ', password: '' }))
        .fields,
    ).toEqual(['emailOrUsername', 'password']);
  });

  it('names the fields of the token and password mutations', () => {
    expect(
      inputErrorOf(() => parseInput(requestPasswordResetInputSchema, { email: 'x' })).fields,
    ).toEqual(['email']);
    expect(
      inputErrorOf(() =>
        parseInput(resetPasswordInputSchema, { token: '', newPassword: 'password123' }),
      ).fields,
    ).toEqual(['token', 'newPassword']);
    expect(
      inputErrorOf(() =>
        parseInput(changePasswordInputSchema, { currentPassword: '', newPassword: 'short' }),
      ).fields,
    ).toEqual(['currentPassword', 'newPassword']);
    expect(inputErrorOf(() => parseInput(completeSignUpInputSchema, {})).issues).toEqual([
      { field: 'token', message: 'Token is required.' },
    ]);
    expect(
      inputErrorOf(() => parseInput(resendSignUpConfirmationInputSchema, { email: 'x' })).fields,
    ).toEqual(['email']);
    expect(parseInput(signInCodeSchema, ' 012345 ')).toBe('012345');
    expect(inputErrorOf(() => parseInput(signInCodeSchema, '12345', 'code')).fields).toEqual([
      'code',
    ]);
  });
});
