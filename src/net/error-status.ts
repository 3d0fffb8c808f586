// The HTTP status of each error kind. The table is exhaustive over ErrorCodeName, so a new
// error code does not compile until it is placed here.

import type { ErrorCodeName } from '../core/errors.ts';

/** HTTP status by error kind: caller's input 400, auth 401/403, missing 404, conflict 409, down 503, ours 500. */
export const HTTP_STATUS_BY_KIND: { readonly [K in ErrorCodeName]: number } = {
  INVALID_LITERAL: 400,
  TYPE_MISMATCH: 400,
  COLUMN_MISMATCH: 400,
  INVALID_ARGUMENT: 400,
  SYNTAX_ERROR: 400,
  OUTSIDE_PARTITION_SCHEME: 400,
  INVALID_PARTITION_SCHEME: 400,
  UNKNOWN_FUNCTION: 400,
  INVALID_CONFIG: 400,
  BAD_REQUEST: 400,
  AUTH_FAILED: 401,
  SESSION_EXPIRED: 401,
  PERMISSION_DENIED: 403,
  DATABASE_NOT_FOUND: 404,
  TABLE_NOT_FOUND: 404,
  COLUMN_NOT_FOUND: 404,
  PARTITION_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  DATABASE_EXISTS: 409,
  TABLE_EXISTS: 409,
  COLUMN_EXISTS: 409,
  PARTITION_EXISTS: 409,
  USER_EXISTS: 409,
  LOCK_TIMEOUT: 409,
  TRANSACTION_ABORTED: 409,
  REPLICATION_NOT_ENABLED: 400,
  REPLICATION_WRONG_ROLE: 400,
  REPLICATED_READ_ONLY: 403,
  RESYNC_REQUIRED: 409,
  REPLICATION_REFUSED: 409,
  TASK_DATA_MISSING: 404,
  CONSISTENCY_CHECK_INCOMPLETE: 409,
  NODE_UNAVAILABLE: 503,
  // A closed store means the node is shutting down: like a node that is down, worth a retry.
  STORE_CLOSED: 503,
  CORRUPT_DATA: 500,
  DISK_ERROR: 500,
};
