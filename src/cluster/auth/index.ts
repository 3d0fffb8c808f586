// The auth layer's public API: users, privileges, sessions, password hashes, the default
// admin password rule and node-to-node tokens. The controller and data nodes import from here.

export { INTERNAL_TOKEN_WINDOW_MILLIS, MAX_SESSIONS } from './auth-limits.ts';
export { ADMIN_USER, checkPassword, checkUserName } from './credential-rules.ts';
export {
  DEFAULT_ADMIN_PASSWORD,
  checkDefaultAdminPassword,
  isLoopbackHost,
} from './default-password.ts';
export type { ListenHost } from './default-password.ts';
export { InternalTokens, makeInternalToken, verifyInternalToken } from './internal-token.ts';
export { hashPassword, parsePasswordHash, verifyPassword } from './password-hash.ts';
export type { ScryptHash, ScryptParameters } from './password-hash.ts';
export {
  ALL_OBJECTS,
  applyPrivilegeChange,
  checkAccess,
  checkObject,
  isPrivilege,
  newUserRecord,
  requireAccess,
} from './privileges.ts';
export type {
  AccessNeed,
  AccessResult,
  ObjectPrivilege,
  Privilege,
  PrivilegeChange,
  PrivilegeEntry,
  UserRecord,
} from './privileges.ts';
export { createSessionTable } from './sessions.ts';
export type { CredentialCheck, Session, SessionOptions, SessionTable } from './sessions.ts';
export { lmdbUserRecords, memoryUserRecords, openLmdbUserRecords } from './user-records.ts';
export type { UserRecords } from './user-records.ts';
export { openUserStore, readAdminHash } from './user-store.ts';
export type { UserInfo, UserStore } from './user-store.ts';
