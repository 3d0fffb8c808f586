// The bounds of the auth layer, each with why it has its value. They belong beside the
// others in src/core/limits.ts; kept here until the lead folds them in.

/** Live sessions the controller holds: 10,000 × ~200 bytes keeps the table near 2 MB. */
export const MAX_SESSIONS = 10_000;

/** User names counted in the failed-login table; oldest forgotten first, so memory is flat. */
export const MAX_TRACKED_LOGIN_FAILURES = 10_000;

/** Users in one cluster: every record is read at open, so keep the table small. */
export const MAX_USERS = 10_000;

/** Grants plus denies of one user: keeps a user record (read on every request) small. */
export const MAX_PRIVILEGE_ENTRIES = 4096;

/** How far a node-to-node token's timestamp may be from the receiver's clock, either way. */
export const INTERNAL_TOKEN_WINDOW_MILLIS = 5 * 60 * 1000;

/**
 * How long a node reuses the token it signed: a second, far inside the window, so a token
 * seen by whoever watches the network is replayable no longer than one made per request.
 */
export const INTERNAL_TOKEN_REUSE_MILLIS = 1000;

/** Internal tokens a node remembers as correctly signed: a few per peer and second. */
export const MAX_REMEMBERED_TOKENS = 256;
