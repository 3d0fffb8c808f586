// What a user name and a password may be. Messages never repeat a password: it would end
// up in a reply, a log line or a terminal's scroll-back.

import { ShoalError } from '../../core/errors.ts';

const USER_NAME = /^[A-Za-z][A-Za-z0-9_]{0,29}$/;
const PASSWORD = /^\S{1,128}$/u;

/** The built-in administrator: always exists, cannot be deleted or lose ADMIN. */
export const ADMIN_USER = 'admin';

/** Throws INVALID_ARGUMENT unless `name` is a letter then up to 29 letters, digits or _. */
export function checkUserName(name: string): void {
  if (!USER_NAME.test(name)) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      `user name ${JSON.stringify(name)} is invalid: start with a letter, then up to 29 letters, digits or _`,
    );
  }
}

/** Throws INVALID_ARGUMENT unless `password` has 1 to 128 characters and no whitespace. */
export function checkPassword(password: string): void {
  if (!PASSWORD.test(password)) {
    throw new ShoalError(
      'INVALID_ARGUMENT',
      'the password is invalid: use 1 to 128 characters without spaces, tabs or line breaks',
    );
  }
}
