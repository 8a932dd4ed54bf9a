import { dictionary } from '@zxcvbn-ts/language-common';
import { ValidateBy } from 'class-validator';

export const PASSWORD_MIN_LENGTH = 12;
/** argon2 takes any length, but a megabyte "password" is an attack on CPU, not a password. */
export const PASSWORD_MAX_LENGTH = 256;

/** The bundled list of common passwords (zxcvbn's), lower-cased once. */
const commonPasswords: ReadonlySet<string> = new Set(
  dictionary['passwords-common'].map((password) => password.toLowerCase()),
);

/**
 * Why a password is refused, or null when it is acceptable: length in characters (code points,
 * so an emoji counts once), and not in the common-password list compared without case.
 */
export function passwordPolicyViolation(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH)
    return `password must be at least ${PASSWORD_MIN_LENGTH} characters long`;
  if (length > PASSWORD_MAX_LENGTH)
    return `password must be at most ${PASSWORD_MAX_LENGTH} characters long`;
  if (commonPasswords.has(password.toLowerCase()))
    return 'password is too common: it appears in a list of frequently used passwords';
  return null;
}

/** DTO decorator: the 400 names `password` and says why (the validation pipe's field errors). */
export function IsAcceptablePassword(): PropertyDecorator {
  return ValidateBy({
    name: 'isAcceptablePassword',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && passwordPolicyViolation(value) === null,
      defaultMessage: (args) =>
        typeof args?.value === 'string'
          ? (passwordPolicyViolation(args.value) ?? 'password is not acceptable')
          : 'password must be a string',
    },
  });
}
