// Typed errors for everything that can happen in operation: bad input, missing objects,
// conflicts, disk faults. Each has a stable code (part of the interface: clients and tests
// match on it) and a message that names the thing and says what to do.

/** Every error code Shoal returns; one line each on when. */
export const ERROR_CODES = {
  /** A literal could not be parsed (text, position and expected form in the message). */
  INVALID_LITERAL: 'S00101',
  /** A value has the wrong type for a column or argument. */
  TYPE_MISMATCH: 'S00102',
  /** The columns given to a write do not match the table (count, names or lengths). */
  COLUMN_MISMATCH: 'S00103',
  /** An argument is invalid (empty name, bad scheme, bad option). */
  INVALID_ARGUMENT: 'S00104',
  /** A statement does not parse (line, column and what was expected in the message). */
  SYNTAX_ERROR: 'S00105',
  /** A value falls outside the partition scheme of a database. */
  OUTSIDE_PARTITION_SCHEME: 'S00201',
  /** A partition scheme definition is invalid. */
  INVALID_PARTITION_SCHEME: 'S00202',
  DATABASE_NOT_FOUND: 'S00301',
  TABLE_NOT_FOUND: 'S00302',
  COLUMN_NOT_FOUND: 'S00303',
  PARTITION_NOT_FOUND: 'S00304',
  /** A function name is not known (with a near-miss suggestion when there is one). */
  UNKNOWN_FUNCTION: 'S00305',
  DATABASE_EXISTS: 'S00311',
  TABLE_EXISTS: 'S00312',
  COLUMN_EXISTS: 'S00313',
  PARTITION_EXISTS: 'S00314',
  /** A user or user name that must not exist does; or must exist and does not. */
  USER_EXISTS: 'S00315',
  USER_NOT_FOUND: 'S00316',
  /** A writer waited longer than its bound for another writer of the same partition. */
  LOCK_TIMEOUT: 'S00401',
  /** The store was closed, or is being closed. */
  STORE_CLOSED: 'S00402',
  /** Data read from disk failed its checksum, or a file the catalog names is missing. */
  CORRUPT_DATA: 'S00501',
  /** The disk refused a write (full, read-only, permission). */
  DISK_ERROR: 'S00502',
  /** A configuration file or option is invalid (file, line, key and what is allowed). */
  INVALID_CONFIG: 'S00601',
  /** Wrong user name or password. */
  AUTH_FAILED: 'S00701',
  /** The caller lacks the privilege the call needs (named in the message). */
  PERMISSION_DENIED: 'S00702',
  /** The session is unknown or has expired: log in again. */
  SESSION_EXPIRED: 'S00703',
  /** A node needed for the call is down or does not answer in time (named in the message). */
  NODE_UNAVAILABLE: 'S00801',
  /** A request is malformed, too large, or names no endpoint. */
  BAD_REQUEST: 'S00802',
  /** A distributed transaction was aborted (its data is wholly absent); the reason follows. */
  TRANSACTION_ABORTED: 'S00803',
  /** A replication function on a cluster whose replication is not configured (names the key). */
  REPLICATION_NOT_ENABLED: 'S01001',
  /** Writing a replicated database on a slave (S01023 in DolphinDB). */
  REPLICATED_READ_ONLY: 'S01023',
  /** A master-only function on a slave, or the reverse (S01024 in DolphinDB). */
  REPLICATION_WRONG_ROLE: 'S01024',
  /** A slave asked for tasks the master no longer holds: it needs a full resync. */
  RESYNC_REQUIRED: 'S01030',
  /** The master serves clusterReplicationSlaveNum slaves already, or refuses writes at capacity. */
  REPLICATION_REFUSED: 'S01031',
  /** A replication task's data is missing or fails its checksum on the master. */
  TASK_DATA_MISSING: 'S01032',
  /**
   * checkClusterReplicationConsistency could not find master and slave at one task id (the
   * slave is behind and not running, or the master kept changing the database).
   */
  CONSISTENCY_CHECK_INCOMPLETE: 'S01033',
} as const;

export type ErrorCodeName = keyof typeof ERROR_CODES;

/** A place in a statement's text: 1-based line and column. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

export interface ShoalErrorOptions {
  readonly cause?: unknown;
  readonly position?: TextPosition;
}

/** An operational error: `code` is stable, `message` names the thing and the way out. */
export class ShoalError extends Error {
  override readonly name = 'ShoalError';
  readonly code: string;
  readonly kind: ErrorCodeName;
  /** Where in a statement's text the error is (1-based), when it comes from one. */
  readonly position: TextPosition | undefined;

  constructor(kind: ErrorCodeName, message: string, options?: ShoalErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.code = ERROR_CODES[kind];
    this.position = options?.position;
  }
}

/** True when `error` is a ShoalError of the given kind. */
export function isShoalError(error: unknown, kind?: ErrorCodeName): error is ShoalError {
  return error instanceof ShoalError && (kind === undefined || error.kind === kind);
}
