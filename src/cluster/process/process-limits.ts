// Bounds of the process layer (node start, stop, health polling), each with why it has its
// value. Node-wide bounds live in src/core/limits.ts, HTTP bounds in src/net/net-limits.ts.

/** `cluster start` waits this long for every node to be ready; a large store opens in seconds. */
export const DEFAULT_START_TIMEOUT_MILLIS = 60_000;

/** `cluster stop` waits this long per phase (data nodes, then controller) before SIGKILL. */
export const DEFAULT_STOP_TIMEOUT_MILLIS = 30_000;

/**
 * A node's own shutdown (close the server, stop the service, release the lock) gives up
 * after this and exits 1, so a stuck stop cannot keep a process alive forever; it leaves
 * room for the server's close timeout plus a store's close.
 */
export const NODE_STOP_TIMEOUT_MILLIS = 60_000;

/** Pause between two health polls of a starting node: readiness shows within 0.1 s. */
export const HEALTH_POLL_INTERVAL_MILLIS = 100;

/** Deadline of one health call: a node that is up answers on loopback in milliseconds. */
export const HEALTH_CALL_TIMEOUT_MILLIS = 2_000;

/** Pause between two checks whether a signalled process has exited. */
export const EXIT_POLL_INTERVAL_MILLIS = 25;

/** After SIGKILL the kernel removes a process at once; this bounds the wait for it to show. */
export const KILL_WAIT_MILLIS = 5_000;

/** Lines of a failed node's log that `cluster start` prints. */
export const LOG_TAIL_LINES = 30;

/** Bytes read from the end of a log for its tail: 30 long JSON lines fit with room to spare. */
export const LOG_TAIL_MAX_BYTES = 64 * 1024;

/** Tries to take a node lock before giving up: each lost race against a taker costs one. */
export const LOCK_ATTEMPTS = 5;
