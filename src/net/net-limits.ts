// Bounds of the HTTP layer, each with why it has its value (node-wide bounds live in
// src/core/limits.ts; these are defaults a node's configuration may override).

/** Largest request body: a 1 M-row, 9-column append is ~100 MB, so 512 MiB leaves room. */
export const DEFAULT_MAX_REQUEST_BYTES = 512 * 1024 * 1024;

/** Request-body buffers a node keeps for reuse: two ~100 MB appends; beyond, idle memory goes. */
export const MAX_IDLE_BODY_BYTES = 256 * 1024 * 1024;

/** Smaller bodies come cheaply from the allocator's heap: only larger ones are worth keeping. */
export const MIN_REUSED_BODY_BYTES = 1024 * 1024;

/** Kept buffers are sized in steps of this, so appends of nearly equal size share one. */
export const REUSED_BODY_GRANULE_BYTES = 1024 * 1024;

/**
 * The block retainFreedMemory frees: just under glibc's 32 MiB cap on its dynamic mmap
 * threshold, so the heap then keeps up to ~62 MiB freed for reuse (most of one append's churn).
 */
export const RETAINED_BLOCK_BYTES = 31 * 1024 * 1024;

/** Largest response body a client reads: a fragment's rows are bounded like a request's. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024 * 1024;

/** Largest JSON header of a wire frame: names and small values only, bulk data is Arrow. */
export const MAX_FRAME_HEADER_BYTES = 64 * 1024 * 1024;

/** Default deadline of one client call: long enough for a large append or a full scan. */
export const DEFAULT_CALL_TIMEOUT_MILLIS = 30_000;

/** Sockets a client keeps to one node: enough to overlap fragments on 2 cores, few fds. */
export const DEFAULT_MAX_CONNECTIONS = 8;

/** Longest wait to open a TCP connection: loopback or LAN answers in well under this. */
export const CONNECT_TIMEOUT_MILLIS = 5_000;

/** A server drops a socket idle (no bytes either way) this long: a stuck peer frees its fd. */
export const DEFAULT_CONNECTION_TIMEOUT_MILLIS = 120_000;

/** A server gives up on a request whose body has not fully arrived by then. */
export const DEFAULT_REQUEST_TIMEOUT_MILLIS = 120_000;

/** Idle keep-alive sockets are closed after this; clients reopen cheaply on loopback. */
export const KEEP_ALIVE_TIMEOUT_MILLIS = 10_000;

/** Longest a graceful close waits for requests in flight before cutting their sockets. */
export const DEFAULT_CLOSE_TIMEOUT_MILLIS = 10_000;
